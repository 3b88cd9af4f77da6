"""What the counter evaluator (窗口评价器, 000 §四(二)2(4) and §五(五)4(1)) shows: the window's
工作岗位牌 (000 §四(二)2(1): photo, name, 工号, duties, complaint phone), its state (serving /
暂停服务 / closed), and — for `RATINGS_EVALUATOR_TIMEOUT_SECONDS` after the teller completes a
service — the request to rate that service with its rating token. The same dictionary is
the answer of `GET /api/v1/windows/{branch}/{n}/evaluator` and what the tablet page polls.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from common import clock
from org.models import Window
from ratings import conf
from ratings.models import BadReason
from ratings.selectors import evaluator_pending
from rules.models import RuleKind
from rules.selectors import rules_in_force


def rating_levels(on: Any = None) -> list[dict[str, Any]]:
    """The five levels, best first, with their labels and 差评 flag from the rule set."""
    rules = rules_in_force(RuleKind.WINDOW_SCORE, on or clock.today())
    return [
        {"level": lv.level, "label": lv.label, "bad": lv.bad}
        for lv in sorted(rules.params.levels, key=lambda lv: -lv.level)
    ]


def bad_reasons() -> list[dict[str, str]]:
    return [{"code": r.value, "label": r.label} for r in BadReason]


def evaluator_state(
    window: Window, *, now: datetime | None = None, with_token: bool = False
) -> dict[str, Any]:
    """What the counter tablet shows. The pending service's rating token only with
    `with_token` — for the counter tablet bound to this very window, never for a member of
    staff (nobody rates their own service: the teller must not be able to read it)."""
    from queueing.constants import PAUSED_HINT, PAUSED_SIGN
    from queueing.models import WindowStatus
    from queueing.selectors import active_ticket, window_state

    now = now or clock.now()
    state = window_state(window)
    status = state.status if state else WindowStatus.CLOSED
    staff = state.staff if state and state.staff_id else None
    current = active_ticket(window)
    pending = evaluator_pending(window, now=now) if with_token else None
    branch = window.branch
    return {
        "branch": branch.code,
        "branch_name": branch.name,
        "window": window.number,
        "window_name": window.name,
        "green_channel": window.is_green_channel,
        "status": status,
        "status_label": WindowStatus(status).label,
        "sign": f"{PAUSED_SIGN} · {PAUSED_HINT}" if status == WindowStatus.PAUSED else "",
        "staff": (
            {
                "name": staff.name,
                "staff_no": staff.staff_no,
                "title": staff.title,
                "duties": staff.duties,
                "photo_url": staff.photo.url if staff.photo else None,
            }
            if staff is not None and status != WindowStatus.CLOSED
            else None
        ),
        "complaint_phone": branch.centre.complaint_phone,
        "current": {"number": current.display_number, "status": current.status} if current else None,
        "rating_token": pending.token if pending else None,
        "rating": (
            {
                "token": pending.token,
                "ticket_number": pending.ticket_number,
                "staff_name": pending.staff_name,
                "staff_no": pending.staff_no,
                "completed_at": pending.completed_at,
                "expires_at": pending.expires_at,
                "seconds_left": pending.seconds_left(now),
            }
            if pending
            else None
        ),
        "levels": rating_levels(clock.local_date(now)),
        "reasons": bad_reasons(),
        "timeout_seconds": conf.evaluator_timeout_seconds(),
        "now": now,
    }


def page_context(*, branch: Any, number: int) -> dict[str, Any]:
    """What the counter tablet's page needs for its evaluator: the levels and reasons it
    offers, where it polls and where it posts (the "evaluator_context" hook)."""
    return {
        "rating_levels": rating_levels(),
        "bad_reasons": bad_reasons(),
        "evaluator_url": reverse("api:window_evaluator", args=[branch.code, number]),
        "rate_url": reverse("api:rating_create"),
    }
