"""The time rules of a case, as plain functions (no Django): when the clock starts, the
deadline, whether a case is on time, due soon or overdue, and which of the overdue
conditions of 000 §五(二)5 hold.

Every function takes the calendar as an argument — anything with the methods of
`workdays.arithmetic.WorkdayIndex` (`add_workdays`, `add_workdays_from_handover`,
`workdays_between`, `is_workday`) — and the numbers as arguments from the rule set
`case_time_limit`. The calendar raises `CalendarNotPublished` when an answer needs a
year whose holiday notice is not in it; these functions let it through: a deadline is
never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol


class Calendar(Protocol):
    def add_workdays(self, start: date, n: int) -> date: ...
    def add_workdays_from_handover(self, start: date, n: int) -> date: ...
    def workdays_between(self, a: date, b: date) -> int: ...
    def is_workday(self, d: date) -> bool: ...


def counted_deadline(cal: Calendar, event_day: date, days: int, offset: int) -> date:
    """The last day of `days` working days whose counting starts `offset` days after
    the event (000 §五(二)2): offset 1 = from the next day (receipt, supplement),
    offset 0 = from the event day itself (a handover between departments, §五(二)2(3)).
    The first counted day is the first working day on or after the start."""
    if days < 1:
        raise ValueError("days must be at least 1")
    if offset == 0:
        return cal.add_workdays_from_handover(event_day, days)
    if offset == 1:
        return cal.add_workdays(event_day, days)
    # add_workdays counts strictly after its start: start the day before the first counted day.
    return cal.add_workdays(event_day + timedelta(days=offset - 1), days)


def case_deadline(
    cal: Calendar, *, accepted_on: date, promised_days: int, start_offset: int, immediate_offset: int
) -> date:
    """The promised deadline of a case. 即办 (promised_days = 0, 000 §五(二)3): the
    day of acceptance, or the first working day after it when it is a rest day
    (workdays: `add_workdays(start, 0)`). Otherwise `promised_days` working days counted
    from the day after acceptance (or after the materials were completed)."""
    if promised_days == 0:
        return cal.add_workdays(accepted_on + timedelta(days=immediate_offset), 0)
    return counted_deadline(cal, accepted_on, promised_days, start_offset)


def escalation_explain_due(cal: Calendar, forwarded_on: date, days: int, unit: str, offset: int) -> date:
    """The last day the higher authority may take before the accepting window owes the
    centre a written explanation (002 篇5 §三4 超过15天未批复的，要向中心作出解释).
    In calendar days by default (the rule set's reading of 天), counted from the day after
    forwarding."""
    if unit == "calendar":
        return forwarded_on + timedelta(days=offset - 1 + days)
    return counted_deadline(cal, forwarded_on, days, offset)


class DueState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    PENDING = "pending"  # the deadline waits for a year's holiday notice


DUE_LABELS = {
    DueState.ON_TIME: "按期办理中",
    DueState.DUE_SOON: "即将到期",
    DueState.DUE_TODAY: "今日到期",
    DueState.OVERDUE: "已超过承诺时限",
    DueState.PENDING: "办结日期待定（待节假日安排发布）",
}


@dataclass(frozen=True)
class Due:
    state: DueState
    # Working days d with today < d ≤ deadline (0 on the deadline day); for an overdue
    # case the working days since the deadline, negative.
    workdays_left: int | None

    @property
    def label(self) -> str:
        return DUE_LABELS[self.state]

    @property
    def text(self) -> str:
        if self.state == DueState.PENDING or self.workdays_left is None:
            return self.label
        if self.state == DueState.OVERDUE:
            late = -self.workdays_left
            return "已超过承诺时限" + (f" {late} 个工作日" if late else "")
        if self.state == DueState.DUE_TODAY:
            return "今日到期"
        return f"剩余 {self.workdays_left} 个工作日"


def due_state(cal: Calendar, *, deadline: date | None, today: date, due_soon_days: int) -> Due:
    """On time, due soon (from the `due_soon_days`-th working day before the deadline,
    the rule set's product choice), due today, or overdue (the deadline day has ended)."""
    if deadline is None:
        return Due(DueState.PENDING, None)
    if today > deadline:
        return Due(DueState.OVERDUE, -cal.workdays_between(deadline, today))
    left = cal.workdays_between(today, deadline)
    if today == deadline:
        return Due(DueState.DUE_TODAY, 0)
    if left <= due_soon_days:
        return Due(DueState.DUE_SOON, left)
    return Due(DueState.ON_TIME, left)


# --- 000 §五(二)5 超时办结 -----------------------------------------------------------------

LATE = "late"  # 无正当理由超过承诺时限未能办结
NO_REPLY = "no_reply"  # (1) 不按规定给申请人答复
LATE_EXTENSION = "late_extension"  # (2) 超过承诺办结时限才提出延期申请
RESULT_NOT_DELIVERED = "result_not_delivered"  # (3) 在承诺时限内，不将办理结果交付办事职工

CONDITION_CODES = (LATE, NO_REPLY, LATE_EXTENSION, RESULT_NOT_DELIVERED)


@dataclass(frozen=True)
class OverdueFacts:
    """What a case's record says, as local business dates.

    `decided_on` is the day of the decision (办结: approved or refused); for an 上报件 the
    day it was forwarded to the higher authority, which ends the centre's own limit.
    `notified_on` is the day the applicant was told the decision (当面、电话、短信、书面).
    `delivered_on` is the day the result was handed over, posted or sent. `pickup` is
    true when the applicant collects the result at the window: the result is then at
    the applicant's disposal once they have been told it is ready."""

    deadline: date | None
    decided_on: date | None = None
    notified_on: date | None = None
    delivered_on: date | None = None
    pickup: bool = True
    extension_pending_in_time: bool = False
    late_extension: bool = False


def overdue_reasons(facts: OverdueFacts, today: date) -> frozenset[str]:
    """The conditions of 000 §五(二)5 that hold on `today` (the deadline's day has to have
    ended for anything but a late extension request). The three time conditions are
    mutually exclusive steps of one chain — decided, then told, then handed over — so
    the reason stored is the first step that missed the deadline; a late extension
    request is a condition of its own and can come with any of them.

    While an extension requested in time is waiting for its approval the case is not
    yet counted as late: it is judged against the deadline the approval gives, or
    against the old one once the extension is refused."""
    reasons: set[str] = set()
    if facts.late_extension:
        reasons.add(LATE_EXTENSION)
    deadline = facts.deadline
    if deadline is None or today <= deadline:
        return frozenset(reasons)
    if facts.decided_on is None:
        if not facts.extension_pending_in_time:
            reasons.add(LATE)
    elif facts.decided_on > deadline:
        reasons.add(LATE)
    elif facts.notified_on is None or facts.notified_on > deadline:
        reasons.add(NO_REPLY)
    elif not facts.pickup and (facts.delivered_on is None or facts.delivered_on > deadline):
        reasons.add(RESULT_NOT_DELIVERED)
    return frozenset(reasons)
