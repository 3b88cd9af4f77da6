from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from common.actors import staff_of
from common.api import errors
from org.access import user_roles
from org.auth import bearer_or_session

router = Router()


class MeOut(Schema):
    username: str
    name: str | None
    staff_no: str | None
    branch: str | None
    roles: list[str]


@router.get(
    "/me",
    response={200: MeOut, **errors(401)},
    auth=bearer_or_session,
    summary="当前令牌或会话所属的用户",
)
def me(request: HttpRequest) -> dict:
    user = request.user
    staff = staff_of(user)
    return {
        "username": user.get_username(),
        "name": staff.name if staff else None,
        "staff_no": staff.staff_no if staff else None,
        "branch": staff.branch.code if staff and staff.branch else None,
        "roles": sorted(r.value for r in user_roles(user)),
    }
