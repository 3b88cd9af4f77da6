"""Refusals of the working-day calendar. Pure Python (no Django), so the
arithmetic module can raise them and the API still turns them into 422s."""

from __future__ import annotations

from common.errors import DomainError


class CalendarNotPublished(DomainError):
    """A deadline needs a year whose State Council holiday arrangement is not in the
    calendar. DESIGN.md: a deadline is never guessed from weekends alone."""

    code = "calendar_not_published"
    status = 422

    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year}年的节假日安排尚未发布，无法计算办理时限。"
            "请系统管理员录入国务院办公厅的节假日安排通知后再试。",
            year=year,
        )
        self.year = year


class InvalidWorkdayCount(DomainError, ValueError):
    """A time limit that is not a whole number of working days ≥ 0. Also a
    ValueError, because to a caller it is a bad argument as much as a refusal."""

    code = "invalid_input"
    status = 422


class NoticeInvalid(DomainError):
    """A holiday notice (or a day correction) that cannot be right as entered.
    `problems` lists every problem found, so the administrator fixes them at once."""

    code = "notice_invalid"
    status = 422

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems), problems=problems)
        self.problems = problems
