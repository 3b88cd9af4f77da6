"""Writes of the working-day calendar. Each runs in one transaction with its audit
event and a bump of `CalendarRevision`, so every process rebuilds its index."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F

from audit.services import audit_record, diff
from common import clock
from common.actors import Actor, user_or_none
from common.errors import Conflict, DomainError
from workdays.calendar import calendar_invalidate
from workdays.errors import NoticeInvalid
from workdays.kinds import LABELS, WORKDAY_KINDS
from workdays.models import CalendarRevision, Day, PublishedYear
from workdays.yearplan import DaySpec, HolidayRange, MakeupWorkday, YearPlan, build_year_plan, day_problems


def year_publish_preview(
    *,
    year: int,
    holidays: list[HolidayRange] | list[tuple[str, date, date]],
    makeup_workdays: list[MakeupWorkday] | list[tuple[date, str]],
    source: str,
    notice_text: str,
) -> YearPlan:
    """Every check `year_publish` makes, without writing: what the preview page shows."""
    problems = []
    if not source.strip():
        problems.append("请填写依据（通知名称及文号）。")
    if not notice_text.strip():
        problems.append("请粘贴通知原文，便于日后核对。")
    try:
        plan = build_year_plan(year, holidays, makeup_workdays)
    except NoticeInvalid as exc:
        raise NoticeInvalid(problems + exc.problems) from exc
    if problems:
        raise NoticeInvalid(problems)
    if PublishedYear.objects.filter(year=year, published=True).exists():
        raise Conflict(
            f"{year}年的节假日安排已经发布。更正个别日期请在系统管理中修改该日；整体重录请先撤销发布。"
        )
    _check_carried_days_exist(plan)
    return plan


@transaction.atomic
def year_publish(
    *,
    actor: Actor,
    year: int,
    holidays: list[HolidayRange] | list[tuple[str, date, date]],
    makeup_workdays: list[MakeupWorkday] | list[tuple[date, str]],
    source: str,
    notice_text: str,
) -> PublishedYear:
    """Enter a year's State Council notice: write every day of the year (weekdays and
    weekends, then the holiday ranges and makeup workdays on top) and publish it."""
    plan = year_publish_preview(
        year=year, holidays=holidays, makeup_workdays=makeup_workdays, source=source, notice_text=notice_text
    )
    Day.objects.filter(date__year=year).delete()
    Day.objects.bulk_create(
        Day(date=s.date, is_workday=s.is_workday, kind=s.kind, name=s.name) for s in plan.days
    )
    carried_changes = _overwrite_carried_days(plan.carried)
    record, _ = PublishedYear.objects.update_or_create(
        year=year,
        defaults={
            "published": True,
            "source": source.strip(),
            "notice_text": notice_text.strip(),
            "published_at": clock.now(),
            "published_by": user_or_none(actor),
        },
    )
    audit_record(
        actor=actor,
        action="workdays.year.publish",
        obj=record,
        summary=f"发布{year}年节假日安排（依据：{source.strip()}）",
        changes={
            "holidays": [[r.name, r.start.isoformat(), r.end.isoformat()] for r in plan.holidays],
            "makeup_workdays": [[m.date.isoformat(), m.name] for m in plan.makeup_workdays],
            "previous_year_days": carried_changes,
        },
    )
    _calendar_changed()
    return record


@transaction.atomic
def year_unpublish(*, actor: Actor, year: int, reason: str) -> PublishedYear:
    """Withdraw a year (e.g. a notice entered wrongly): its days stay in the table
    for reference, but no deadline is computed in it until it is published again."""
    if not reason.strip():
        raise DomainError("请填写撤销发布的原因。")
    record = PublishedYear.objects.select_for_update().filter(year=year, published=True).first()
    if record is None:
        raise DomainError(f"{year}年的节假日安排未发布，无需撤销。")
    record.published = False
    record.save(update_fields=["published"])
    audit_record(
        actor=actor,
        action="workdays.year.unpublish",
        obj=record,
        summary=f"撤销发布{year}年节假日安排：{reason.strip()}",
        changes={"published": [True, False], "reason": reason.strip()},
    )
    _calendar_changed()
    return record


@transaction.atomic
def day_update(*, actor: Actor, date: date, is_workday: bool, kind: str, name: str, reason: str) -> Day:
    """Correct one day (e.g. a notice amended after publication, as in 2020 when the
    Spring Festival was extended to 2 February). Changes the deadlines computed from
    now on; deadlines already recorded on cases are theirs to keep or recompute."""
    name = name.strip()
    problems = day_problems(date, kind, name)
    if not problems and is_workday != (kind in WORKDAY_KINDS):
        problems.append(f"“{LABELS[kind]}”{'不是' if is_workday else '是'}工作日，与所选的“是否工作日”矛盾。")
    if not reason.strip():
        problems.append("请填写更正原因（如依据的通知及文号）。")
    if problems:
        raise NoticeInvalid(problems)
    day = Day.objects.select_for_update().filter(date=date).first()
    if day is None:
        raise DomainError(f"{date.year}年的日历尚未录入，请先发布该年的节假日安排。")
    before = {"is_workday": day.is_workday, "kind": day.kind, "name": day.name}
    after = {"is_workday": is_workday, "kind": kind, "name": name}
    changes = diff(before, after)
    if not changes:
        return day
    day.is_workday, day.kind, day.name = is_workday, kind, name
    day.save(update_fields=["is_workday", "kind", "name"])
    audit_record(
        actor=actor,
        action="workdays.day.update",
        obj=day,
        summary=f"更正 {date.isoformat()} 为{LABELS[kind]}{f'（{name}）' if name else ''}：{reason.strip()}",
        changes={**changes, "reason": reason.strip()},
    )
    _calendar_changed()
    return day


def _check_carried_days_exist(plan: YearPlan) -> None:
    if not plan.carried:
        return
    found = Day.objects.filter(date__in=[s.date for s in plan.carried]).count()
    if found != len(plan.carried):
        previous = plan.year - 1
        raise DomainError(
            f"通知调整了{previous}年12月的日期，但{previous}年的日历尚未录入；请先发布{previous}年。"
        )


def _overwrite_carried_days(carried: list[DaySpec]) -> list[list[str]]:
    changes = []
    for spec in carried:
        day = Day.objects.select_for_update().get(date=spec.date)
        changes.append(
            [spec.date.isoformat(), f"{day.kind} {day.name}".strip(), f"{spec.kind} {spec.name}".strip()]
        )
        day.is_workday, day.kind, day.name = spec.is_workday, spec.kind, spec.name
        day.save(update_fields=["is_workday", "kind", "name"])
    return changes


def _calendar_changed() -> None:
    updated = CalendarRevision.objects.filter(pk=CalendarRevision.SINGLETON_ID).update(
        number=F("number") + 1, changed_at=clock.now()
    )
    if not updated:
        CalendarRevision.objects.create(pk=CalendarRevision.SINGLETON_ID, number=1)
    # Now, so that this request already sees the change, and again after commit, in
    # case another thread of this process rebuilt from the old rows in between.
    calendar_invalidate()
    transaction.on_commit(calendar_invalidate)
