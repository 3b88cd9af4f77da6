from typing import Any

from django.http import HttpRequest

from common import menu
from common.actors import staff_of
from org.access import user_roles
from org.models import Role


def staff_context(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's staff record and roles, for the page header and menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {
        "current_staff": staff_of(user),
        "current_roles": sorted(roles, key=list(Role).index),
        "current_role_values": {r.value for r in roles},
        "staff_menu": menu.groups_for({r.value for r in roles}),
    }
