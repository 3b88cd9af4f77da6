"""The violations ledger (违规处罚台账, 002 篇4 一1–10): entering a line with the fines rule
set's amount and consequences, reversing a wrong one by a counter-entry (冲正), the
reports to a staff member's unit it raises (一月内三次以上 / 及时通报) or withdraws, and
voiding an inspection or a patrol together with the lines it entered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from audit.services import audit_record
from audit.transitions import InvalidTransition, transition
from common import clock
from common.actors import Actor, actor_label, forbidden, user_or_none
from common.periods import Period
from org.access import has_role
from org.models import Role, Staff, Window
from rules.models import RuleKind
from rules.schemas import FineItem, FinesParams
from rules.selectors import rules_in_force
from supervision.models import (
    LIVE_REPORT,
    EntryKind,
    InspectionFinding,
    Patrol,
    ReportKind,
    ReportStatus,
    UnitReport,
    Violation,
    ViolationSource,
    ViolationStatus,
)
from supervision.selectors import count_in_period, month_of
from supervision.services._common import invalid, next_no, record_event, require


@dataclass(frozen=True)
class ViolationInput:
    """One violation seen on a patrol: who (a staff member, or for item 10 the guard on
    duty by name), which penalty item, where, and what exactly."""

    item_code: str
    staff: Staff | None = None
    offender_name: str = ""
    window: Window | None = None
    note: str = ""


def _fine_item(params: FinesParams, code: str, day: date) -> FineItem:
    try:
        return params.item(code)
    except StopIteration:
        raise invalid(f"{day:%Y-%m-%d} 生效的处罚规则集没有处罚事项“{code}”。") from None


def _unit_of(staff: Staff) -> str:
    """The unit a report goes to (向科室、窗口的主管单位通报): the department, else the branch."""
    if staff.department_id:
        return staff.department.name  # type: ignore[union-attr]
    if staff.branch_id:
        return staff.branch.name  # type: ignore[union-attr]
    return "所在单位"


def violation_create(
    *,
    actor: Actor,
    params: FinesParams,
    rules_ref: str,
    item_code: str,
    occurred_on: date,
    source: str,
    staff: Staff | None,
    offender_name: str = "",
    window: Window | None = None,
    patrol: Patrol | None = None,
    finding: InspectionFinding | None = None,
    source_ref: str = "",
    note: str = "",
) -> Violation:
    """Enter one line with the amount and consequences of `params` (in the caller's
    transaction), and raise the unit reports it brings about."""
    item = _fine_item(params, item_code, occurred_on)
    if item.offender == "staff" and staff is None:
        raise invalid(f"处罚事项{item.code}针对工作人员，请选择当事工作人员。")
    if staff is not None and not offender_name:
        offender_name = staff.name
    if not offender_name.strip():
        raise invalid(f"处罚事项{item.code}（{item.text[:12]}…）请填写当事人（值日保安人员姓名）。")
    branch = (
        (window.branch if window else None)
        or (patrol.branch if patrol else None)
        or (staff.branch if staff else None)
    )
    violation = Violation.objects.create(
        no=next_no("WG", occurred_on.year, 5),
        staff=staff,
        offender_name=offender_name.strip()[:50],
        branch=branch,
        window=window,
        occurred_on=occurred_on,
        item_code=item.code,
        item_text=item.text[:300],
        clause=f"002 篇4 一{item.clause}",
        amount_yuan=item.amount_yuan,
        consequences=list(item.consequences),
        monthly_report=item.monthly_report,
        source=source,
        patrol=patrol,
        finding=finding,
        source_ref=source_ref,
        note=note.strip(),
        status=ViolationStatus.ACTIVE,
        rules_ref=rules_ref,
        recorded_by=user_or_none(actor),
        recorded_by_label=actor_label(actor),
    )
    record_event(violation, actor=actor, note=note, created=True)
    audit_record(
        actor=actor,
        action="supervision.violation.record",
        obj=violation,
        summary=f"{violation.offender_name} 违反处罚事项{item.code}"
        + (f"，罚款{item.amount_yuan}元" if item.amount_yuan else "")
        + (f"，{'、'.join(item.consequences)}" if item.consequences else ""),
        changes={"source": source, "rules_ref": rules_ref},
    )
    if staff is not None:
        _reports_after_entry(actor=actor, violation=violation, params=params, item=item, rules_ref=rules_ref)
    return violation


def _reports_after_entry(
    *, actor: Actor, violation: Violation, params: FinesParams, item: FineItem, rules_ref: str
) -> None:
    """002 篇4 一2、3、6、8、9: the third (threshold) violation of one person under one item
    in one calendar month raises a report to the unit; item 5 is reported at once."""
    staff = violation.staff
    assert staff is not None
    if item.report_immediately:
        _report_create(
            actor=actor,
            violation=violation,
            kind=ReportKind.IMMEDIATE,
            threshold=1,
            count=1,
            month=month_of(violation.occurred_on).start,
            action="及时向科室、窗口的主管单位通报",
            rules_ref=rules_ref,
        )
    if not item.monthly_report:
        return
    rule = params.repeat_report
    period = Period.containing(rule.period, violation.occurred_on)
    count = count_in_period(staff.pk, item.code, period)
    if count < rule.threshold:
        return
    live = UnitReport.objects.filter(
        staff=staff, item_code=item.code, month=period.start, kind=ReportKind.REPEAT, status__in=LIVE_REPORT
    ).exists()
    if not live:
        _report_create(
            actor=actor,
            violation=violation,
            kind=ReportKind.REPEAT,
            threshold=rule.threshold,
            count=count,
            month=period.start,
            action=rule.action,
            rules_ref=rules_ref,
        )


def _report_create(
    *,
    actor: Actor,
    violation: Violation,
    kind: str,
    threshold: int,
    count: int,
    month: date,
    action: str,
    rules_ref: str,
) -> UnitReport:
    staff = violation.staff
    assert staff is not None
    report = UnitReport.objects.create(
        staff=staff,
        item_code=violation.item_code,
        item_text=violation.item_text,
        kind=kind,
        month=month,
        threshold=threshold,
        count_at_trigger=count,
        trigger=violation,
        unit=_unit_of(staff),
        action=action,
        status=ReportStatus.PENDING,
        rules_ref=rules_ref,
    )
    note = (
        f"{month:%Y年%m月}第{count}次（达到{threshold}次）"
        if kind == ReportKind.REPEAT
        else "应及时通报的处罚事项"
    )
    record_event(report, actor=actor, note=note, created=True)
    audit_record(
        actor=actor,
        action="supervision.unit_report.raise",
        obj=report,
        summary=f"{staff.name} {note}：{violation.item_text[:60]}，{action}",
    )
    return report


@transaction.atomic
def violation_record(
    *,
    actor: Actor,
    item_code: str,
    occurred_on: date,
    note: str,
    staff: Staff | None = None,
    offender_name: str = "",
    window: Window | None = None,
) -> Violation:
    """A violation found otherwise than on a patrol or an inspection (e.g. item 5, an
    exposure by the media), entered by the office with what shows it."""
    require(actor, (Role.OFFICE,), "登记违规")
    if occurred_on > clock.today():
        raise invalid("违规日期不能晚于今天。")
    if not note.strip():
        raise invalid("请写明查实的情况和依据。")
    rules = rules_in_force(RuleKind.FINES, occurred_on)
    return violation_create(
        actor=actor,
        params=rules.params,
        rules_ref=rules.ref,
        item_code=item_code,
        occurred_on=occurred_on,
        source=ViolationSource.MANUAL,
        staff=staff,
        offender_name=offender_name,
        window=window,
        note=note,
    )


@transaction.atomic
def violation_reverse(*, actor: Actor, violation: Violation, reason: str) -> Violation:
    """Reverse a wrong ledger line by a counter-entry (冲正) with the reason; the line
    itself is kept, marked 已冲正. A report that no longer has its threshold is
    withdrawn if not yet sent; a sent one is flagged for a correction."""
    if not isinstance(actor, str) and not has_role(actor, Role.OFFICE):  # type: ignore[arg-type]
        raise forbidden("冲正违规记录只能由业务管理处办理。")
    return reverse_line(actor=actor, violation=violation, reason=reason)


def reverse_line(*, actor: Actor, violation: Violation, reason: str) -> Violation:
    """The counter-entry itself, in the caller's transaction, for whoever the caller
    lets act: the office (`violation_reverse`, also when voiding an inspection or a
    patrol), or the decision that withdrew a complaint fine or a breach — whoever took
    it (`sources`: a leader or the party committee deciding a re-review)."""
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    reason = reason.strip()
    if not reason:
        raise invalid("请填写冲正理由。")
    if violation.kind != EntryKind.ENTRY:
        raise InvalidTransition("冲正记录本身不能再冲正。")
    counter_no = next_no("WG", clock.today().year, 5)
    transition(
        violation,
        ViolationStatus.REVERSED,
        actor=actor,
        note=reason,
        audit="supervision.violation.reverse",
        summary=f"冲正 {violation.no}（{counter_no}）：{reason}",
        changes={"counter_entry": counter_no},
    )
    counter = Violation.objects.create(
        no=counter_no,
        kind=EntryKind.REVERSAL,
        reverses=violation,
        staff=violation.staff,
        offender_name=violation.offender_name,
        branch=violation.branch,
        window=violation.window,
        occurred_on=violation.occurred_on,
        item_code=violation.item_code,
        item_text=violation.item_text,
        clause=violation.clause,
        amount_yuan=-violation.amount_yuan if violation.amount_yuan is not None else None,
        consequences=[f"撤销：{c}" for c in violation.consequences],
        monthly_report=violation.monthly_report,
        source=violation.source,
        patrol=violation.patrol,
        complaint_fine=violation.complaint_fine,
        breach=violation.breach,
        source_ref=violation.no,
        reason=reason,
        status=ViolationStatus.COUNTER,
        rules_ref=violation.rules_ref,
        recorded_by=user_or_none(actor),
        recorded_by_label=actor_label(actor),
    )
    record_event(counter, actor=actor, note=f"冲正 {violation.no}：{reason}", created=True)
    if violation.staff_id is not None:
        _reports_after_reversal(actor=actor, violation=violation, reason=reason)
    return counter


def _reports_after_reversal(*, actor: Actor, violation: Violation, reason: str) -> None:
    if violation.staff_id is None:
        return
    for report in UnitReport.objects.select_for_update().filter(
        staff_id=violation.staff_id, item_code=violation.item_code, status__in=LIVE_REPORT
    ):
        if report.kind == ReportKind.IMMEDIATE:
            if report.trigger_id != violation.pk:
                continue
        else:
            period = Period(report.month, month_of(report.month).end)
            if violation.occurred_on not in period:
                continue
            if count_in_period(report.staff_id, report.item_code, period) >= report.threshold:
                continue
        note = f"违规记录 {violation.no} 已冲正（{reason}），不再满足通报条件"
        if report.status == ReportStatus.PENDING:
            transition(
                report,
                ReportStatus.WITHDRAWN,
                actor=actor,
                note=note,
                audit="supervision.unit_report.withdraw",
                summary=f"撤销通报：{note}",
            )
        else:
            # Already sent: it stays 已通报 until the office sends the correction.
            record_event(report, actor=actor, note=note + "；请向所在单位发送更正")


@transaction.atomic
def unit_report_send(*, actor: Actor, report: UnitReport, sent_on: date, note: str) -> UnitReport:
    """The office records that the report was sent to the unit."""
    require(actor, (Role.OFFICE,), "通报")
    report = UnitReport.objects.select_for_update().get(pk=report.pk)
    if sent_on > clock.today():
        raise invalid("通报日期不能晚于今天。")
    report.sent_on = sent_on
    report.sent_note = note.strip()
    transition(
        report,
        ReportStatus.SENT,
        actor=actor,
        note=f"已向{report.unit}通报。{report.sent_note}",
        fields=["sent_on", "sent_note"],
        audit="supervision.unit_report.send",
        summary=f"已向{report.unit}通报",
    )
    return report


@transaction.atomic
def unit_report_retract(*, actor: Actor, report: UnitReport, note: str) -> UnitReport:
    """A sent report whose violations were reversed: the office sends a correction."""
    require(actor, (Role.OFFICE,), "发送通报更正")
    report = UnitReport.objects.select_for_update().get(pk=report.pk)
    if not note.strip():
        raise invalid("请填写更正说明。")
    transition(
        report,
        ReportStatus.RETRACTED,
        actor=actor,
        note=note.strip(),
        audit="supervision.unit_report.retract",
        summary=f"更正：{note[:200]}",
    )
    return report


def void_with_violations(
    record: Any, voided: str, *, actor: Actor, reason: str, violations: Any, because: str, action: str
) -> Any:
    """Void an inspection or a patrol (locked by the caller): the reason is required,
    the status moves with its event and audit row, and the violations it entered are
    reversed with the reason."""
    reason = reason.strip()
    if not reason:
        raise invalid("请填写作废理由。")
    record.voided_reason = reason
    transition(
        record,
        voided,
        actor=actor,
        note=reason,
        fields=["voided_reason"],
        audit=action,
        summary=f"作废：{reason}",
    )
    for violation in violations:
        violation_reverse(actor=actor, violation=violation, reason=f"{because}：{reason}")
    return record
