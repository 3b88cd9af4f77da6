"""The query password shown once after registration, kept a while in the registering
teller's session for printing (002 篇5 §二2⑦: printed on the notice)."""

from __future__ import annotations

from django.http import HttpRequest

from cases import conf
from cases.models import Case
from common import clock

SESSION_PASSWORDS = "cases-passwords"


def keep_password(request: HttpRequest, case: Case, password: str) -> None:
    kept = {k: v for k, v in request.session.get(SESSION_PASSWORDS, {}).items() if v[1] > clock.timestamp()}
    kept[case.receipt_no] = [password, clock.timestamp() + conf.print_password_seconds(), False]
    request.session[SESSION_PASSWORDS] = kept


def password_for_print(request: HttpRequest, case: Case) -> str | None:
    entry = request.session.get(SESSION_PASSWORDS, {}).get(case.receipt_no)
    if entry is None or entry[1] < clock.timestamp():
        return None
    return str(entry[0])


def password_banner(request: HttpRequest, case: Case) -> str | None:
    """The password on the page the first time only; printing keeps using it a while."""
    kept = request.session.get(SESSION_PASSWORDS, {})
    entry = kept.get(case.receipt_no)
    if entry is None or entry[1] < clock.timestamp() or entry[2]:
        return None
    entry[2] = True
    request.session[SESSION_PASSWORDS] = kept
    return str(entry[0])
