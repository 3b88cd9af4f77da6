"""The applicant's query password (查询密码, 002 篇5 §二2⑦): a new one for an applicant who
lost it (identity checked at the window); and the record of every printed notice.
The look-up itself is a read (`cases.selectors.case_public_lookup`).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction

from cases import access, conf
from cases.models import Case, EventKind
from cases.services._common import audit, check_rights, event, locked
from common import clock
from common.actors import AnyActor


def new_query_password() -> str:
    digits = conf.query_password_digits()
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def case_password_reset(*, actor: AnyActor, case: Case, now: datetime | None = None) -> str:
    """A new query password for an applicant who lost theirs (identity checked at the
    window); the old one stops working."""
    check_rights(
        actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以重置查询密码。"
    )
    now = now or clock.now()
    password = new_query_password()
    with transaction.atomic():
        case = locked(case)
        case.query_password_hash = make_password(password)
        case.save(update_fields=["query_password_hash"])
        event(case, EventKind.PASSWORD, actor=actor, at=now, note="重置查询密码（已核验申请人身份）")
        audit(actor, "case.password_reset", case, "重置查询密码")
    return password


def case_print_record(*, actor: AnyActor, case: Case, form: str, now: datetime | None = None) -> None:
    """Printing a notice is recorded (who printed which form when)."""
    with transaction.atomic():
        audit(actor, "case.print", case, f"打印{form}")
