"""What the supervision pages share: who sees them, query parameters (?month=, ?period=,
ids), running a service call with its refusal shown as a message, and the branches a
person may pick."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from common import clock
from common.errors import DomainError
from common.numbers import parse_id
from common.periods import InvalidPeriod, Period, parse_period
from org.models import Branch, Role

SEE = (Role.INSPECTOR, Role.OFFICE, Role.LEADER, Role.HEAD, Role.ADMIN)
MANAGE = (Role.INSPECTOR, Role.OFFICE)


def int_param(value: str | None) -> int | None:
    return parse_id(value)


def month_param(request: HttpRequest, name: str = "month") -> Period:
    """?month=YYYY-MM (default: this month)."""
    text = (request.GET.get(name) or "").strip()
    today = clock.today()
    if text:
        try:
            year, month = (int(x) for x in text.split("-"))
            return Period.month(year, month)
        except ValueError:
            pass
    return Period.month(today.year, today.month)


def period_param(request: HttpRequest) -> tuple[Period, str]:
    """?period=2026-03 | 2026-Q1 | 2026 (default: this month)."""
    text = (request.GET.get("period") or "").strip()
    today = clock.today()
    if text:
        try:
            p = parse_period(text)
            return Period(p.start, p.end), p.key
        except InvalidPeriod as exc:
            messages.error(request, str(exc))
    return Period.month(today.year, today.month), f"{today:%Y-%m}"


def run(request: HttpRequest, action: Callable[[], Any], ok: str) -> bool:
    """Run a service call; a refusal becomes a message, never a 500."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


def form_error(request: HttpRequest, form: Any) -> None:
    errors = [str(e) for field in form.errors.values() for e in field]
    messages.error(request, "；".join(errors) or "请检查填写的内容。")


def visible_branches(request: HttpRequest) -> Any:
    return Branch.objects.visible_to(request.user).filter(is_active=True).order_by("code")
