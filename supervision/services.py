"""Every write of the supervision records (000 §五(五)4(2); 002 篇4; 004 §四; 000 §四(三)3).

Keyword-only, typed, one transaction each; every change of status writes a
`SupervisionEvent` (who, when, from, to, note) and an audit event in the same
transaction, and a status moves only along its map in `supervision.models`. Nothing is
deleted: inspections and patrols are voided, violations reversed by counter-entries,
reports withdrawn, facilities retired.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction

from audit.services import audit_record
from common import clock
from common.actors import Actor, event_actor, require_staff, user_or_none
from common.errors import Conflict, DomainError
from common.periods import Period
from org.access import has_role
from org.models import Branch, Role, Staff, Window
from rules.models import RuleKind
from rules.schemas import FineItem, FinesParams
from rules.selectors import rules_in_force
from supervision import conf
from supervision.checklist import sheet_score
from supervision.models import (
    AWAITING_ANSWER,
    BREACH_ITEM,
    COMPLAINT_ITEM,
    FACILITY_TRANSITIONS,
    INSPECTION_TRANSITIONS,
    LIVE_REPORT,
    NEW,
    NOTICE_TRANSITIONS,
    PATROL_TRANSITIONS,
    REPORT_TRANSITIONS,
    SUMMARY_TRANSITIONS,
    VIOLATION_TRANSITIONS,
    Capacity,
    ChecklistItem,
    EntryKind,
    Facility,
    FacilityKind,
    FacilityStatus,
    Inspection,
    InspectionFinding,
    InspectionKind,
    InspectionStatus,
    IssueNotice,
    NoticeStatus,
    Patrol,
    PatrolStatus,
    PatrolSummary,
    Rectification,
    ReportKind,
    ReportStatus,
    Subject,
    SubjectType,
    SummarySignature,
    SummaryStatus,
    SupervisionEvent,
    ThirdPartyFinding,
    ThirdPartyReport,
    UnitReport,
    Upload,
    UploadOwner,
    Violation,
    ViolationSource,
    ViolationStatus,
)
from supervision.models import (
    Sequence as NumberSequence,
)
from workdays.calendar import is_workday

INSPECT_ROLES = {
    InspectionKind.DAILY: (Role.INSPECTOR, Role.OFFICE),
    InspectionKind.SURPRISE: (Role.INSPECTOR, Role.OFFICE),
    InspectionKind.LEADER: (Role.LEADER,),
}
PATROL_ROLES = (Role.INSPECTOR, Role.OFFICE, Role.LEADER)
FACILITY_ROLES = (Role.OFFICE, Role.INSPECTOR, Role.HEAD, Role.ADMIN)


def _forbid(message: str) -> DomainError:
    return DomainError(message, code="forbidden", status=403)


def _invalid(message: str, **extra: Any) -> DomainError:
    return DomainError(message, code="invalid_input", **extra)


def _require(actor: Actor, roles: Iterable[Role], what: str) -> None:
    if isinstance(actor, str) or actor is None or not has_role(actor, *roles):
        labels = "、".join(r.label for r in roles)
        raise _forbid(f"{what}只能由{labels}办理。")


def _event(
    subject_type: str, obj: models.Model, *, actor: Actor, from_status: str, to_status: str, note: str = ""
) -> None:
    user, label = event_actor(actor)
    SupervisionEvent.objects.create(
        subject_type=subject_type,
        subject_id=obj.pk,
        actor=user,
        actor_label=label,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _move(
    obj: Any,
    subject_type: str,
    transitions: dict[str, frozenset[str]],
    to: str,
    *,
    actor: Actor,
    note: str = "",
    fields: Sequence[str] = (),
) -> None:
    """Change `obj.status` along the map, save the given fields and write the event."""
    before = obj.status
    if to not in transitions.get(before, frozenset()):
        raise Conflict(
            f"当前状态“{obj.get_status_display()}”下不能进行此操作。",
            code="invalid_transition",
            status_from=before,
            status_to=to,
        )
    obj.status = to
    obj.save(update_fields=["status", *fields])
    _event(subject_type, obj, actor=actor, from_status=before, to_status=to, note=note)


def _next_no(prefix: str, year: int, width: int = 4) -> str:
    key = f"{prefix}{year}"
    seq, _ = NumberSequence.objects.select_for_update().get_or_create(key=key)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{prefix}{year}-{seq.last:0{width}d}"


def _label(actor: Actor) -> str:
    return event_actor(actor)[1]


def _today() -> date:
    return clock.today()


def attach_files(
    *, actor: Actor, owner_type: str, owner_id: int, files: Iterable[UploadedFile], existing: int = 0
) -> list[Upload]:
    """Store photos or scans for a record after checking their type and size."""
    files = [f for f in files if f]
    if not files:
        return []
    if existing + len(files) > conf.upload_max_files():
        raise _invalid(f"每条记录最多 {conf.upload_max_files()} 张照片或附件。")
    user = user_or_none(actor)
    if user is None:
        raise _forbid("上传照片需要登录。")
    rows = []
    for upload in files:
        name = PurePath(upload.name or "照片").name[:200]
        suffix = PurePath(name).suffix.lower()
        if suffix not in conf.UPLOAD_TYPES:
            raise _invalid(f"“{name}”的类型不支持，请上传 jpg、png、webp 照片或 pdf 扫描件。")
        size = upload.size or 0
        if size > conf.upload_max_bytes():
            raise _invalid(f"“{name}”超过 {conf.upload_max_bytes() // (1024 * 1024)} MB，请压缩后再上传。")
        head = upload.read(8)
        upload.seek(0)
        if not _magic_ok(suffix, head):
            raise _invalid(f"“{name}”的内容与扩展名不符，请上传真实的照片或 pdf 文件。")
        rows.append(
            Upload.objects.create(
                owner_type=owner_type,
                owner_id=owner_id,
                file=upload,
                name=name,
                size=size,
                content_type=conf.UPLOAD_TYPES[suffix],
                uploaded_by=user,
            )
        )
    return rows


def _magic_ok(suffix: str, head: bytes) -> bool:
    """The first bytes of the file match its suffix (a renamed .exe is refused)."""
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix == ".webp":
        return head.startswith(b"RIFF")
    if suffix == ".pdf":
        return head.startswith(b"%PDF")
    return False


# ---------------------------------------------------------------------------------------
# Inspections (000 §五(五)4(2))


@dataclass(frozen=True)
class FindingInput:
    """One checklist item found (negative list) or not met (positive list)."""

    item_code: str
    note: str = ""


@transaction.atomic
def inspection_record(
    *,
    actor: Actor,
    kind: str,
    window: Window,
    staff: Staff | None,
    findings: Sequence[FindingInput],
    note: str = "",
    pointed_out: bool = False,
    pointed_out_note: str = "",
    photos: Iterable[UploadedFile] = (),
    inspected_at: datetime | None = None,
) -> Inspection:
    """Record one inspection of a window and its staff member: the items found, each
    deducted from the 100-point sheet; findings against the person that break a penalty
    item of 002 篇4 are entered in the violations ledger too."""
    if kind not in InspectionKind.values:
        raise _invalid("请选择检查类型：日常检查、突击检查或上级领导检查。")
    _require(actor, INSPECT_ROLES[InspectionKind(kind)], InspectionKind(kind).label)
    now = clock.now()
    inspected_at = inspected_at or now
    if inspected_at > now + clock.skew_tolerance():
        raise _invalid("检查时间不能晚于现在。")
    day = clock.local_date(inspected_at)
    if not window.is_active:
        raise _invalid(f"{window}已停用。")
    if staff is not None and not staff.is_active:
        raise _invalid(f"{staff.name}不在岗，不能作为被检查人员。")
    rules = rules_in_force(RuleKind.WINDOW_SCORE, day)
    if kind not in {i.code for i in rules.params.inspections}:
        raise _invalid(f"{day:%Y-%m-%d} 生效的服务窗口评价规则集没有“{InspectionKind(kind).label}”。")
    codes = [f.item_code for f in findings]
    if len(codes) != len(set(codes)):
        raise _invalid("同一检查项目只能记一次，请在情况说明中写明次数。")
    items = {i.code: i for i in ChecklistItem.objects.filter(code__in=codes, is_active=True)}
    unknown = [c for c in codes if c not in items or kind not in items[c].kinds]
    if unknown:
        raise _invalid(
            f"检查项目 {'、'.join(unknown)} 不存在、已停用或不适用于{InspectionKind(kind).label}。"
        )
    staff_items = [c for c in codes if items[c].subject == Subject.STAFF]
    if staff_items and staff is None:
        raise _invalid("发现了针对工作人员的问题，请选择被检查的窗口工作人员。")
    if kind == InspectionKind.SURPRISE and findings and not pointed_out:
        raise _invalid("突击检查发现的问题应当立即指出（000 §五(五)4(2)），请确认已当场指出。")
    full = conf.sheet_full_marks()
    score = sheet_score(full, [items[c].deduction for c in codes])
    inspection = Inspection.objects.create(
        no=_next_no("JC", day.year),
        kind=kind,
        branch=window.branch,
        window=window,
        staff=staff,
        inspected_at=inspected_at,
        inspected_on=day,
        inspector=user_or_none(actor),
        inspector_name=_label(actor),
        full_marks=full,
        sheet_score=score,
        pointed_out=pointed_out,
        pointed_out_note=pointed_out_note.strip()[:200],
        note=note.strip(),
        status=InspectionStatus.RECORDED,
        rules_ref=rules.ref,
    )
    fines: FinesParams | None = None
    fines_ref = ""
    for f in findings:
        item = items[f.item_code]
        finding = InspectionFinding.objects.create(
            inspection=inspection,
            item=item,
            code=item.code,
            dimension=item.dimension,
            polarity=item.polarity,
            text=item.text,
            clause=item.clause,
            deduction=item.deduction,
            staff=staff if item.subject == Subject.STAFF else None,
            fine_item=item.fine_item if item.subject == Subject.STAFF else "",
            appraisal_item=item.appraisal_item if item.subject == Subject.STAFF else "",
            note=f.note.strip()[:300],
        )
        if finding.fine_item and staff is not None:
            if fines is None:
                rules_fines = rules_in_force(RuleKind.FINES, day)
                fines, fines_ref = rules_fines.params, rules_fines.ref
            _violation_create(
                actor=actor,
                params=fines,
                rules_ref=fines_ref,
                staff=staff,
                item_code=finding.fine_item,
                occurred_on=day,
                source=ViolationSource.INSPECTION,
                window=window,
                finding=finding,
                source_ref=inspection.no,
                note=f"{InspectionKind(kind).label}{inspection.no}：{item.code} {item.text}"
                + (f"（{finding.note}）" if finding.note else ""),
            )
    attach_files(actor=actor, owner_type=UploadOwner.INSPECTION, owner_id=inspection.pk, files=photos)
    _event(
        SubjectType.INSPECTION,
        inspection,
        actor=actor,
        from_status=NEW,
        to_status=InspectionStatus.RECORDED,
        note=f"检查得分 {score}/{full}",
    )
    audit_record(
        actor=actor,
        action="supervision.inspection.record",
        obj=inspection,
        summary=f"{InspectionKind(kind).label} {window}：{len(codes)} 项问题，得分 {score}/{full}",
        changes={"findings": codes, "staff": staff.staff_no if staff else None},
    )
    return inspection


@transaction.atomic
def inspection_attach(*, actor: Actor, inspection: Inspection, files: Iterable[UploadedFile]) -> list[Upload]:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status == InspectionStatus.VOIDED:
        raise Conflict("已作废的检查不能再添加照片。")
    if not (has_role(actor, Role.OFFICE) or user_or_none(actor) == inspection.inspector):  # type: ignore[arg-type]
        raise _forbid("只有检查人或业务管理处可以补充照片。")
    existing = Upload.objects.filter(owner_type=UploadOwner.INSPECTION, owner_id=inspection.pk).count()
    rows = attach_files(
        actor=actor, owner_type=UploadOwner.INSPECTION, owner_id=inspection.pk, files=files, existing=existing
    )
    if rows:
        audit_record(
            actor=actor,
            action="supervision.inspection.attach",
            obj=inspection,
            summary=f"补充 {len(rows)} 张照片",
        )
    return rows


@transaction.atomic
def inspection_publish(*, actor: Actor, inspection: Inspection, text: str) -> Inspection:
    """通报 the findings (000 §五(五)4(2) 突击检查 "发现问题立即指出，并根据问题严重性扣分通报";
    §五(五)5(2) 通报批评)."""
    _require(actor, (Role.INSPECTOR, Role.OFFICE, Role.LEADER), "通报检查结果")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    text = text.strip()
    if not text:
        raise _invalid("请填写通报内容。")
    inspection.published_at = clock.now()
    inspection.published_note = text
    _move(
        inspection,
        SubjectType.INSPECTION,
        INSPECTION_TRANSITIONS,
        InspectionStatus.PUBLISHED,
        actor=actor,
        note=text,
        fields=["published_at", "published_note"],
    )
    audit_record(
        actor=actor, action="supervision.inspection.publish", obj=inspection, summary=f"通报：{text[:200]}"
    )
    return inspection


@transaction.atomic
def inspection_void(*, actor: Actor, inspection: Inspection, reason: str) -> Inspection:
    """Void a wrong inspection (it no longer counts in the window score); the
    violations it entered in the ledger are reversed with the same reason."""
    _require(actor, (Role.OFFICE,), "作废检查记录")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    return _void(
        inspection,
        actor=actor,
        reason=reason,
        subject=SubjectType.INSPECTION,
        transitions=INSPECTION_TRANSITIONS,
        voided=InspectionStatus.VOIDED,
        violations=Violation.objects.active().filter(finding__inspection=inspection),
        because=f"检查{inspection.no}已作废",
        action="supervision.inspection.void",
    )


def _void(
    record: Any,
    *,
    actor: Actor,
    reason: str,
    subject: str,
    transitions: dict[str, frozenset[str]],
    voided: str,
    violations: Any,
    because: str,
    action: str,
) -> Any:
    """Void an inspection or a patrol (locked by the caller): the reason is required,
    the status moves with its event, and the violations it entered are reversed."""
    reason = reason.strip()
    if not reason:
        raise _invalid("请填写作废理由。")
    record.voided_reason = reason
    _move(record, subject, transitions, voided, actor=actor, note=reason, fields=["voided_reason"])
    for violation in violations:
        violation_reverse(actor=actor, violation=violation, reason=f"{because}：{reason}")
    audit_record(actor=actor, action=action, obj=record, summary=f"作废：{reason}")
    return record


# ---------------------------------------------------------------------------------------
# Violations and fines (002 篇4)


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
        raise _invalid(f"{day:%Y-%m-%d} 生效的处罚规则集没有处罚事项“{code}”。") from None


def _unit_of(staff: Staff) -> str:
    """The unit a report goes to (向科室、窗口的主管单位通报): the department, else the branch."""
    if staff.department_id:
        return staff.department.name  # type: ignore[union-attr]
    if staff.branch_id:
        return staff.branch.name  # type: ignore[union-attr]
    return "所在单位"


def _violation_create(
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
    item = _fine_item(params, item_code, occurred_on)
    if item.offender == "staff" and staff is None:
        raise _invalid(f"处罚事项{item.code}针对工作人员，请选择当事工作人员。")
    if staff is not None and not offender_name:
        offender_name = staff.name
    if not offender_name.strip():
        raise _invalid(f"处罚事项{item.code}（{item.text[:12]}…）请填写当事人（值日保安人员姓名）。")
    branch = (
        (window.branch if window else None)
        or (patrol.branch if patrol else None)
        or (staff.branch if staff else None)
    )
    violation = Violation.objects.create(
        no=_next_no("WG", occurred_on.year, 5),
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
        recorded_by_label=_label(actor),
    )
    _event(
        SubjectType.VIOLATION,
        violation,
        actor=actor,
        from_status=NEW,
        to_status=ViolationStatus.ACTIVE,
        note=note,
    )
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


def month_of(day: date) -> Period:
    return Period.month(day.year, day.month)


def _count_in_period(staff_id: int, item_code: str, period: Period) -> int:
    return (
        Violation.objects.active()
        .filter(
            staff_id=staff_id, item_code=item_code, occurred_on__gte=period.start, occurred_on__lte=period.end
        )
        .count()
    )


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
    count = _count_in_period(staff.pk, item.code, period)
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
    _event(
        SubjectType.UNIT_REPORT,
        report,
        actor=actor,
        from_status=NEW,
        to_status=ReportStatus.PENDING,
        note=note,
    )
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
    _require(actor, (Role.OFFICE,), "登记违规")
    if occurred_on > _today():
        raise _invalid("违规日期不能晚于今天。")
    if not note.strip():
        raise _invalid("请写明查实的情况和依据。")
    rules = rules_in_force(RuleKind.FINES, occurred_on)
    return _violation_create(
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
        raise _forbid("冲正违规记录只能由业务管理处办理。")
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    reason = reason.strip()
    if not reason:
        raise _invalid("请填写冲正理由。")
    if violation.kind != EntryKind.ENTRY:
        raise Conflict("冲正记录本身不能再冲正。")
    _move(
        violation,
        SubjectType.VIOLATION,
        VIOLATION_TRANSITIONS,
        ViolationStatus.REVERSED,
        actor=actor,
        note=reason,
    )
    counter = Violation.objects.create(
        no=_next_no("WG", _today().year, 5),
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
        recorded_by_label=_label(actor),
    )
    _event(
        SubjectType.VIOLATION,
        counter,
        actor=actor,
        from_status=NEW,
        to_status=ViolationStatus.COUNTER,
        note=f"冲正 {violation.no}：{reason}",
    )
    audit_record(
        actor=actor,
        action="supervision.violation.reverse",
        obj=violation,
        summary=f"冲正 {violation.no}（{counter.no}）：{reason}",
        changes={"counter_entry": counter.no},
    )
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
            if _count_in_period(report.staff_id, report.item_code, period) >= report.threshold:
                continue
        note = f"违规记录 {violation.no} 已冲正（{reason}），不再满足通报条件"
        if report.status == ReportStatus.PENDING:
            _move(
                report,
                SubjectType.UNIT_REPORT,
                REPORT_TRANSITIONS,
                ReportStatus.WITHDRAWN,
                actor=actor,
                note=note,
            )
        else:
            # Already sent: it stays 已通报 until the office sends the correction.
            _event(
                SubjectType.UNIT_REPORT,
                report,
                actor=actor,
                from_status=report.status,
                to_status=report.status,
                note=note + "；请向所在单位发送更正",
            )


@transaction.atomic
def unit_report_send(*, actor: Actor, report: UnitReport, sent_on: date, note: str) -> UnitReport:
    """The office records that the report was sent to the unit."""
    _require(actor, (Role.OFFICE,), "通报")
    report = UnitReport.objects.select_for_update().get(pk=report.pk)
    if sent_on > _today():
        raise _invalid("通报日期不能晚于今天。")
    report.sent_on = sent_on
    report.sent_note = note.strip()
    _move(
        report,
        SubjectType.UNIT_REPORT,
        REPORT_TRANSITIONS,
        ReportStatus.SENT,
        actor=actor,
        note=f"已向{report.unit}通报。{report.sent_note}",
        fields=["sent_on", "sent_note"],
    )
    audit_record(
        actor=actor, action="supervision.unit_report.send", obj=report, summary=f"已向{report.unit}通报"
    )
    return report


@transaction.atomic
def unit_report_retract(*, actor: Actor, report: UnitReport, note: str) -> UnitReport:
    """A sent report whose violations were reversed: the office sends a correction."""
    _require(actor, (Role.OFFICE,), "发送通报更正")
    report = UnitReport.objects.select_for_update().get(pk=report.pk)
    if not note.strip():
        raise _invalid("请填写更正说明。")
    _move(
        report,
        SubjectType.UNIT_REPORT,
        REPORT_TRANSITIONS,
        ReportStatus.RETRACTED,
        actor=actor,
        note=note.strip(),
    )
    audit_record(
        actor=actor, action="supervision.unit_report.retract", obj=report, summary=f"更正：{note[:200]}"
    )
    return report


@dataclass(frozen=True)
class SyncResult:
    added: int
    reversed: int


@transaction.atomic
def violation_sync_sources(*, actor: Actor, start: date, end: date) -> SyncResult:
    """Enter in the ledger the valid-complaint fines (complaints app, complaint_penalty
    rule set) and the first-inquiry breaches (inquiries app, 003 §十) of the period that
    are not there yet, and reverse the lines whose source was withdrawn since. The
    amounts are those the source recorded — a complaint is never fined twice."""
    from complaints.models import Fine, PenaltyStatus
    from inquiries.models import Breach, BreachStatus

    if not isinstance(actor, str):
        _require(actor, (Role.OFFICE,), "同步投诉与首问记录")
    added = reversed_ = 0
    fines = Fine.objects.filter(verified_on__gte=start, verified_on__lte=end).select_related(
        "staff__branch", "staff__department", "complaint"
    )
    in_ledger = set(
        Violation.objects.entries()
        .filter(complaint_fine__in=fines)
        .values_list("complaint_fine_id", flat=True)
    )
    for fine in fines:
        if fine.status == PenaltyStatus.ACTIVE and fine.pk not in in_ledger:
            _ledger_line_from_source(
                actor=actor,
                staff=fine.staff,
                occurred_on=fine.verified_on,
                item_code=COMPLAINT_ITEM,
                item_text=f"有效投诉（投诉 {fine.complaint.no}，计数周期内第{fine.nth}次）",
                clause="002 篇4 一7；000 §五(四)9",
                amount=fine.amount_yuan or None,
                consequences=list(fine.consequences),
                source=ViolationSource.COMPLAINT,
                rules_ref=fine.rules_ref,
                source_ref=fine.complaint.no,
                complaint_fine=fine,
            )
            added += 1
    for line in Violation.objects.active().filter(complaint_fine__status=PenaltyStatus.WITHDRAWN):
        violation_reverse(actor=actor, violation=line, reason="投诉处罚已撤销（投诉复查改变了认定）")
        reversed_ += 1
    breaches = Breach.objects.filter(found_on__gte=start, found_on__lte=end).select_related(
        "staff__branch", "staff__department"
    )
    breach_in_ledger = set(
        Violation.objects.entries().filter(breach__in=breaches).values_list("breach_id", flat=True)
    )
    for breach in breaches:
        if breach.status == BreachStatus.RECORDED and breach.pk not in breach_in_ledger:
            _ledger_line_from_source(
                actor=actor,
                staff=breach.staff,
                occurred_on=breach.found_on,
                item_code=BREACH_ITEM,
                item_text=f"违反首问负责制（计数周期内第{breach.nth}次）：{breach.description[:200]}",
                clause="003 §十；000 §五(一)",
                amount=None,
                consequences=list(breach.consequences),
                source=ViolationSource.BREACH,
                rules_ref=breach.rules_ref,
                source_ref=f"首问违规#{breach.pk}",
                breach=breach,
            )
            added += 1
    for line in Violation.objects.active().filter(breach__status=BreachStatus.WITHDRAWN):
        violation_reverse(actor=actor, violation=line, reason="违反首问负责制记录已撤销")
        reversed_ += 1
    audit_record(
        actor=actor,
        action="supervision.violation.sync",
        summary=f"同步 {start:%Y-%m-%d}–{end:%Y-%m-%d} 的投诉处罚与首问违规："
        f"新增 {added} 条，冲正 {reversed_} 条",
    )
    return SyncResult(added=added, reversed=reversed_)


def _ledger_line_from_source(
    *,
    actor: Actor,
    staff: Staff,
    occurred_on: date,
    item_code: str,
    item_text: str,
    clause: str,
    amount: int | None,
    consequences: list[str],
    source: str,
    rules_ref: str,
    source_ref: str,
    **links: Any,
) -> Violation:
    violation = Violation.objects.create(
        no=_next_no("WG", occurred_on.year, 5),
        staff=staff,
        offender_name=staff.name,
        branch=staff.branch,
        occurred_on=occurred_on,
        item_code=item_code,
        item_text=item_text[:300],
        clause=clause,
        amount_yuan=amount,
        consequences=consequences,
        monthly_report=False,
        source=source,
        source_ref=source_ref,
        status=ViolationStatus.ACTIVE,
        rules_ref=rules_ref,
        recorded_by=user_or_none(actor),
        recorded_by_label=_label(actor),
        **links,
    )
    _event(
        SubjectType.VIOLATION,
        violation,
        actor=actor,
        from_status=NEW,
        to_status=ViolationStatus.ACTIVE,
        note=f"自{ViolationSource(source).label}记录同步：{source_ref}",
    )
    return violation


# ---------------------------------------------------------------------------------------
# Patrols (002 篇4 二)


def _staff_of_actor(actor: Actor) -> Staff:
    return require_staff(actor)


@transaction.atomic
def patrol_record(
    *,
    actor: Actor,
    branch: Branch,
    day: date,
    round_code: str,
    duty_leader: Staff,
    patrol_staff: Sequence[Staff],
    violations: Sequence[ViolationInput] = (),
    note: str = "",
) -> Patrol:
    """Record one round of the daily patrol (巡查表的上午或下午栏) with what was found.
    The person recording signs as one of the patrol staff; the duty leader signs after."""
    _require(actor, PATROL_ROLES, "登记巡查")
    me = _staff_of_actor(actor)
    today = _today()
    if day > today:
        raise _invalid("巡查日期不能晚于今天。")
    if not is_workday(day):
        raise _invalid(f"{day:%Y-%m-%d} 不是工作日，不需要巡查（002 篇4 二1 每日巡查指每个工作日）。")
    rules = rules_in_force(RuleKind.FINES, day)
    rounds = {r.code: r.label for r in rules.params.patrol.rounds}
    if round_code not in rounds:
        raise _invalid(f"巡查时段应为：{'、'.join(rounds.values())}。")
    if not branch.is_active:
        raise _invalid(f"{branch}已停用。")
    if not duty_leader.is_active:
        raise _invalid(f"值日领导{duty_leader.name}不在岗。")
    members = {s.pk: s for s in patrol_staff if s.is_active}
    members.setdefault(me.pk, me)
    for v in violations:
        if v.window is not None and v.window.branch_id != branch.pk:
            raise _invalid(f"{v.window}不属于{branch}。")
    patrol = Patrol(
        branch=branch,
        day=day,
        round=round_code,
        round_label=rounds[round_code],
        duty_leader=duty_leader,
        nothing_found=not violations,
        note=note.strip(),
        status=PatrolStatus.RECORDED,
        recorded_by=user_or_none(actor),
        rules_ref=rules.ref,
    )
    try:
        with transaction.atomic():
            patrol.save()
    except IntegrityError:
        raise Conflict(
            f"{branch} {day:%Y-%m-%d} {rounds[round_code]}已经登记过，请在原记录中补充。"
        ) from None
    patrol.patrol_staff.set(list(members.values()))
    for v in violations:
        _violation_create(
            actor=actor,
            params=rules.params,
            rules_ref=rules.ref,
            item_code=v.item_code,
            occurred_on=day,
            source=ViolationSource.PATROL,
            staff=v.staff,
            offender_name=v.offender_name,
            window=v.window,
            patrol=patrol,
            source_ref=f"{day:%Y-%m-%d} {rounds[round_code]}",
            note=v.note,
        )
    names = "、".join(s.name for s in members.values())
    _event(
        SubjectType.PATROL,
        patrol,
        actor=actor,
        from_status=NEW,
        to_status=PatrolStatus.RECORDED,
        note=f"巡查人员：{names}；" + (f"发现 {len(violations)} 处违规" if violations else "未发现问题"),
    )
    audit_record(
        actor=actor,
        action="supervision.patrol.record",
        obj=patrol,
        summary=f"{patrol}：" + (f"{len(violations)} 处违规" if violations else "未发现问题"),
        changes={"items": [v.item_code for v in violations]},
    )
    return patrol


@transaction.atomic
def patrol_add_violation(*, actor: Actor, patrol: Patrol, violation: ViolationInput) -> Violation:
    """Add a line to a patrol not yet signed by the duty leader."""
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    me = _staff_of_actor(actor)
    if not (has_role(actor, Role.OFFICE) or patrol.patrol_staff.filter(pk=me.pk).exists()):  # type: ignore[arg-type]
        raise _forbid("只有本次巡查人员或业务管理处可以补充违规记录。")
    if patrol.status != PatrolStatus.RECORDED:
        raise Conflict("值日领导已签字或记录已作废，不能再补充；请另行登记。")
    if violation.window is not None and violation.window.branch_id != patrol.branch_id:
        raise _invalid(f"{violation.window}不属于{patrol.branch}。")
    rules = rules_in_force(RuleKind.FINES, patrol.day)
    line = _violation_create(
        actor=actor,
        params=rules.params,
        rules_ref=rules.ref,
        item_code=violation.item_code,
        occurred_on=patrol.day,
        source=ViolationSource.PATROL,
        staff=violation.staff,
        offender_name=violation.offender_name,
        window=violation.window,
        patrol=patrol,
        source_ref=f"{patrol.day:%Y-%m-%d} {patrol.round_label}",
        note=violation.note,
    )
    if patrol.nothing_found:
        patrol.nothing_found = False
        patrol.save(update_fields=["nothing_found"])
    return line


@transaction.atomic
def patrol_sign(*, actor: Actor, patrol: Patrol, opinion: str = "") -> Patrol:
    """The duty leader signs the patrol record (值日领导签字)."""
    me = _staff_of_actor(actor)
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if patrol.duty_leader_id != me.pk:
        raise _forbid(f"只有本次值日领导（{patrol.duty_leader.name}）可以签字。")
    patrol.signed_at = clock.now()
    patrol.signed_by = user_or_none(actor)
    patrol.leader_opinion = opinion.strip()[:300]
    _move(
        patrol,
        SubjectType.PATROL,
        PATROL_TRANSITIONS,
        PatrolStatus.SIGNED,
        actor=actor,
        note=patrol.leader_opinion or "值日领导签字",
        fields=["signed_at", "signed_by", "leader_opinion"],
    )
    audit_record(actor=actor, action="supervision.patrol.sign", obj=patrol, summary=f"值日领导签字：{patrol}")
    return patrol


@transaction.atomic
def patrol_void(*, actor: Actor, patrol: Patrol, reason: str) -> Patrol:
    """Void a patrol entered wrongly (wrong day, branch or round); its violations are
    reversed with the same reason."""
    _require(actor, (Role.OFFICE,), "作废巡查记录")
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    return _void(
        patrol,
        actor=actor,
        reason=reason,
        subject=SubjectType.PATROL,
        transitions=PATROL_TRANSITIONS,
        voided=PatrolStatus.VOIDED,
        violations=Violation.objects.active().filter(patrol=patrol),
        because="巡查记录已作废",
        action="supervision.patrol.void",
    )


@transaction.atomic
def summary_submit(*, actor: Actor, month: date, note: str = "") -> PatrolSummary:
    """The office submits last month's patrol summary for the leaders' sign-off
    (002 篇4 二2). The figures are frozen in the summary; an earlier summary of the
    month still waiting for signatures is superseded."""
    from supervision.selectors import patrol_month_figures

    _require(actor, (Role.OFFICE,), "报送巡查月度汇总")
    month = month.replace(day=1)
    today = _today()
    if month > today.replace(day=1):
        raise _invalid("不能报送尚未开始的月份。")
    rules = rules_in_force(RuleKind.FINES, month_of(month).end)
    snapshot = patrol_month_figures(month, today=today).as_json()
    for old in PatrolSummary.objects.select_for_update().filter(month=month, status=SummaryStatus.SUBMITTED):
        _move(
            old,
            SubjectType.SUMMARY,
            SUMMARY_TRANSITIONS,
            SummaryStatus.SUPERSEDED,
            actor=actor,
            note="重新报送",
        )
    summary = PatrolSummary.objects.create(
        month=month,
        snapshot=snapshot,
        status=SummaryStatus.SUBMITTED,
        submitted_by=user_or_none(actor),
        submitted_by_label=_label(actor),
        note=note.strip(),
        rules_ref=rules.ref,
    )
    _event(
        SubjectType.SUMMARY,
        summary,
        actor=actor,
        from_status=NEW,
        to_status=SummaryStatus.SUBMITTED,
        note=note.strip() or rules.params.patrol.monthly_summary_to,
    )
    audit_record(actor=actor, action="supervision.summary.submit", obj=summary, summary=f"报送{summary}")
    return summary


@transaction.atomic
def summary_sign(*, actor: Actor, summary: PatrolSummary, capacity: str, opinion: str) -> PatrolSummary:
    """A leader signs the summary as 分管领导 or 主要领导; with both it is 已签批."""
    _require(actor, (Role.LEADER,), "签批巡查汇总")
    summary = PatrolSummary.objects.select_for_update().get(pk=summary.pk)
    if summary.status != SummaryStatus.SUBMITTED:
        raise Conflict(f"此汇总{summary.get_status_display()}，不能签批。")
    if capacity not in Capacity.values:
        raise _invalid("请选择以分管领导或主要领导身份签批。")
    opinion = opinion.strip()
    if not opinion:
        raise _invalid("请填写签批意见（如“同意”）。")
    signatures = list(summary.signatures.all())
    if any(s.capacity == capacity for s in signatures):
        raise Conflict(f"{Capacity(capacity).label}已经签批过。")
    if any(s.leader_id == getattr(actor, "pk", None) for s in signatures):
        raise Conflict("同一位领导不能以两种身份签批。")
    SummarySignature.objects.create(
        summary=summary,
        capacity=capacity,
        leader=user_or_none(actor),
        leader_name=_label(actor),
        opinion=opinion,
    )
    if len(signatures) + 1 == len(Capacity.values):
        _move(
            summary,
            SubjectType.SUMMARY,
            SUMMARY_TRANSITIONS,
            SummaryStatus.SIGNED,
            actor=actor,
            note=f"{Capacity(capacity).label}签批：{opinion}",
        )
    else:
        _event(
            SubjectType.SUMMARY,
            summary,
            actor=actor,
            from_status=summary.status,
            to_status=summary.status,
            note=f"{Capacity(capacity).label}签批：{opinion}",
        )
    audit_record(
        actor=actor,
        action="supervision.summary.sign",
        obj=summary,
        summary=f"{Capacity(capacity).label}签批：{opinion[:100]}",
    )
    return summary


# ---------------------------------------------------------------------------------------
# Third-party inspections (004 §四)


@transaction.atomic
def tp_report_register(
    *,
    actor: Actor,
    firm: str,
    year: int,
    quarter: int,
    received_on: date,
    methods: Sequence[str],
    summary: str = "",
) -> ThirdPartyReport:
    """Register the third party's quarterly report (004 §四)."""
    _require(actor, (Role.OFFICE,), "登记第三方检查报告")
    if not firm.strip():
        raise _invalid("请填写第三方机构名称。")
    if quarter not in (1, 2, 3, 4):
        raise _invalid("季度应为 1–4。")
    if received_on > _today():
        raise _invalid("收到报告日期不能晚于今天。")
    if Period.quarter(year, quarter).start > received_on:
        raise _invalid("收到报告的日期早于所检查的季度。")
    known = {code for code, _ in conf.THIRD_PARTY_METHODS}
    if not methods or set(methods) - known:
        raise _invalid("请选择检查方式（神秘客户体验调查、门前客户访问、现场检查）。")
    report = ThirdPartyReport.objects.create(
        no=_next_no("DS", year, 3),
        firm=firm.strip(),
        year=year,
        quarter=quarter,
        received_on=received_on,
        methods=list(methods),
        summary=summary.strip(),
        registered_by=user_or_none(actor),
    )
    audit_record(
        actor=actor,
        action="supervision.tp_report.register",
        obj=report,
        summary=f"登记第三方检查报告：{report}",
    )
    return report


@transaction.atomic
def tp_finding_add(
    *,
    actor: Actor,
    report: ThirdPartyReport,
    branch: Branch,
    aspect: str,
    observed_on: date,
    description: str,
    window: Window | None = None,
    staff: Staff | None = None,
    firm_deduction: Any = None,
    photos: Iterable[UploadedFile] = (),
) -> ThirdPartyFinding:
    _require(actor, (Role.OFFICE,), "登记第三方检查发现的问题")
    if aspect not in dict(conf.THIRD_PARTY_ASPECTS):
        raise _invalid("请选择问题所属方面（内外环境、功能设置、服务形象、服务行为、业务办理）。")
    if not description.strip():
        raise _invalid("请填写问题描述。")
    if window is not None and window.branch_id != branch.pk:
        raise _invalid(f"{window}不属于{branch}。")
    if observed_on not in Period.quarter(report.year, report.quarter) or observed_on > _today():
        raise _invalid(f"发现日期应在报告所检查的{report.year}年第{report.quarter}季度内，且不晚于今天。")
    finding = ThirdPartyFinding.objects.create(
        report=report,
        branch=branch,
        window=window,
        staff=staff,
        aspect=aspect,
        observed_on=observed_on,
        description=description.strip(),
        firm_deduction=firm_deduction,
    )
    attach_files(actor=actor, owner_type=UploadOwner.TP_FINDING, owner_id=finding.pk, files=photos)
    audit_record(
        actor=actor,
        action="supervision.tp_finding.add",
        obj=finding,
        summary=f"{report.no}：{branch} {description[:80]}",
    )
    return finding


@transaction.atomic
def notice_issue(
    *, actor: Actor, finding: ThirdPartyFinding, requirements: str, deadline: date
) -> IssueNotice:
    """Hand the finding to its branch as a 《问题交办函》 with a deadline."""
    _require(actor, (Role.OFFICE,), "下达问题交办函")
    if IssueNotice.objects.filter(finding=finding).exists():
        raise Conflict("这个问题已经下达过交办函。")
    today = _today()
    if deadline <= today:
        raise _invalid("整改期限应晚于今天。")
    if not requirements.strip():
        raise _invalid("请填写整改要求。")
    notice = IssueNotice.objects.create(
        no=_next_no("JB", today.year, 3),
        finding=finding,
        branch=finding.branch,
        requirements=requirements.strip(),
        issued_on=today,
        issued_by=user_or_none(actor),
        issued_by_label=_label(actor),
        deadline=deadline,
        status=NoticeStatus.ISSUED,
    )
    _event(
        SubjectType.NOTICE,
        notice,
        actor=actor,
        from_status=NEW,
        to_status=NoticeStatus.ISSUED,
        note=f"交办{finding.branch}，整改期限{deadline:%Y-%m-%d}",
    )
    audit_record(
        actor=actor,
        action="supervision.notice.issue",
        obj=notice,
        summary=f"问题交办函 {notice.no} → {finding.branch}，期限 {deadline:%Y-%m-%d}",
    )
    return notice


def _is_branch_head(actor: Actor, branch_id: int) -> bool:
    staff = getattr(actor, "staff", None) if not isinstance(actor, str) and actor is not None else None
    return bool(staff and staff.branch_id == branch_id and has_role(actor, Role.HEAD))  # type: ignore[arg-type]


@transaction.atomic
def notice_answer(
    *,
    actor: Actor,
    notice: IssueNotice,
    causes: str,
    measures: str,
    systemic: str = "",
    responsible_staff: Staff | None = None,
    self_examination: str = "",
    no_individual_reason: str = "",
    files: Iterable[UploadedFile] = (),
) -> Rectification:
    """The branch answers: 《问题整改报告》 (causes, measures, 举一反三) and the directly
    responsible person's written 《个人检查》 (004 §四)."""
    notice = IssueNotice.objects.select_for_update().select_related("finding").get(pk=notice.pk)
    if not _is_branch_head(actor, notice.branch_id):
        raise _forbid(f"整改报告由{notice.branch}的负责人报送。")
    if notice.status not in AWAITING_ANSWER:
        raise Conflict(f"交办函{notice.get_status_display()}，不能再报送整改报告。")
    if not causes.strip() or not measures.strip():
        raise _invalid("请填写原因分析和整改措施。")
    named = notice.finding.staff
    responsible_staff = responsible_staff or named
    if responsible_staff is not None:
        if not self_examination.strip():
            raise _invalid(f"请附上直接责任人{responsible_staff.name}的书面《个人检查》（004 §四）。")
        no_individual_reason = ""
    elif not no_individual_reason.strip():
        raise _invalid("没有直接责任人的，请说明理由（如属设施、制度等共性问题）。")
    round_no = notice.rectifications.count() + 1
    rect = Rectification.objects.create(
        notice=notice,
        round=round_no,
        causes=causes.strip(),
        measures=measures.strip(),
        systemic=systemic.strip(),
        responsible_staff=responsible_staff,
        self_examination=self_examination.strip(),
        no_individual_reason=no_individual_reason.strip(),
        submitted_by=user_or_none(actor),
        submitted_by_label=_label(actor),
    )
    attach_files(actor=actor, owner_type=UploadOwner.RECTIFICATION, owner_id=rect.pk, files=files)
    _move(
        notice,
        SubjectType.NOTICE,
        NOTICE_TRANSITIONS,
        NoticeStatus.ANSWERED,
        actor=actor,
        note=f"报送第{round_no}次整改报告"
        + (f"，附{responsible_staff.name}的个人检查" if responsible_staff else ""),
    )
    audit_record(
        actor=actor, action="supervision.notice.answer", obj=notice, summary=f"报送整改报告（第{round_no}次）"
    )
    return rect


@transaction.atomic
def notice_review(
    *, actor: Actor, notice: IssueNotice, accept: bool, note: str, new_deadline: date | None = None
) -> IssueNotice:
    """The office accepts the rectification (验收销号) or returns it for more work."""
    _require(actor, (Role.OFFICE,), "验收整改")
    notice = IssueNotice.objects.select_for_update().get(pk=notice.pk)
    rect = notice.rectifications.order_by("-round").first()
    if rect is None or notice.status != NoticeStatus.ANSWERED:
        raise Conflict("还没有待验收的整改报告。")
    note = note.strip()
    if not accept and not note:
        raise _invalid("退回时请写明不通过的原因和需要补充的整改。")
    now = clock.now()
    rect.decision = "accepted" if accept else "returned"
    rect.review_note = note
    rect.reviewed_at = now
    rect.reviewed_by = user_or_none(actor)
    rect.reviewed_by_label = _label(actor)
    rect.save(update_fields=["decision", "review_note", "reviewed_at", "reviewed_by", "reviewed_by_label"])
    if accept:
        notice.accepted_at = now
        _move(
            notice,
            SubjectType.NOTICE,
            NOTICE_TRANSITIONS,
            NoticeStatus.ACCEPTED,
            actor=actor,
            note=note or "验收通过",
            fields=["accepted_at"],
        )
    else:
        fields = []
        if new_deadline is not None:
            if new_deadline <= _today():
                raise _invalid("新的整改期限应晚于今天。")
            notice.deadline = new_deadline
            fields.append("deadline")
        _move(
            notice,
            SubjectType.NOTICE,
            NOTICE_TRANSITIONS,
            NoticeStatus.RETURNED,
            actor=actor,
            note=note + (f"；整改期限改为{new_deadline:%Y-%m-%d}" if new_deadline else ""),
            fields=fields,
        )
    audit_record(
        actor=actor,
        action="supervision.notice.review",
        obj=notice,
        summary=("验收通过" if accept else "退回重新整改") + (f"：{note[:100]}" if note else ""),
    )
    return notice


# ---------------------------------------------------------------------------------------
# Facilities (000 §四(三)3)


def _facility_access(actor: Actor, branch: Branch) -> None:
    _require(actor, FACILITY_ROLES, "维护消防与便民设施")
    head_only = has_role(actor, Role.HEAD) and not has_role(actor, Role.OFFICE, Role.INSPECTOR, Role.ADMIN)  # type: ignore[arg-type]
    if head_only and not _is_branch_head(actor, branch.pk):
        raise _forbid("部门负责人只能维护本管理部的设施。")


@transaction.atomic
def facility_register(
    *,
    actor: Actor,
    branch: Branch,
    kind: str,
    name: str,
    location: str,
    valid_until: date,
    serial: str = "",
    note: str = "",
    last_checked_on: date | None = None,
) -> Facility:
    _facility_access(actor, branch)
    if kind not in FacilityKind.values:
        raise _invalid("请选择设施类别。")
    if not name.strip() or not location.strip():
        raise _invalid("请填写名称规格和摆放位置。")
    if last_checked_on and last_checked_on > _today():
        raise _invalid("最近检查日期不能晚于今天。")
    facility = Facility.objects.create(
        branch=branch,
        kind=kind,
        name=name.strip(),
        location=location.strip(),
        serial=serial.strip(),
        valid_until=valid_until,
        last_checked_on=last_checked_on,
        status=FacilityStatus.IN_SERVICE,
        note=note.strip(),
    )
    _event(
        SubjectType.FACILITY,
        facility,
        actor=actor,
        from_status=NEW,
        to_status=FacilityStatus.IN_SERVICE,
        note=f"有效期至{valid_until:%Y-%m-%d}",
    )
    audit_record(
        actor=actor,
        action="supervision.facility.register",
        obj=facility,
        summary=f"登记{facility}，有效期至{valid_until:%Y-%m-%d}",
    )
    return facility


@transaction.atomic
def facility_renew(
    *, actor: Actor, facility: Facility, valid_until: date, checked_on: date, note: str
) -> Facility:
    """Refilled, replaced or inspected: a new validity date."""
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    _facility_access(actor, facility.branch)
    if checked_on > _today():
        raise _invalid("检查日期不能晚于今天。")
    if valid_until <= checked_on:
        raise _invalid("新的有效期应晚于检查（更换、充装）日期。")
    if not note.strip():
        raise _invalid("请写明做了什么（充装、更换、年检……）。")
    before = facility.valid_until
    facility.valid_until = valid_until
    facility.last_checked_on = checked_on
    _move(
        facility,
        SubjectType.FACILITY,
        FACILITY_TRANSITIONS,
        FacilityStatus.IN_SERVICE,
        actor=actor,
        note=f"{note.strip()}：有效期 {before:%Y-%m-%d} → {valid_until:%Y-%m-%d}",
        fields=["valid_until", "last_checked_on"],
    )
    audit_record(
        actor=actor,
        action="supervision.facility.renew",
        obj=facility,
        summary=f"有效期 {before:%Y-%m-%d} → {valid_until:%Y-%m-%d}",
        changes={"valid_until": [str(before), str(valid_until)]},
    )
    return facility


@transaction.atomic
def facility_retire(*, actor: Actor, facility: Facility, reason: str) -> Facility:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    _facility_access(actor, facility.branch)
    if not reason.strip():
        raise _invalid("请填写停用理由。")
    _move(
        facility,
        SubjectType.FACILITY,
        FACILITY_TRANSITIONS,
        FacilityStatus.RETIRED,
        actor=actor,
        note=reason.strip(),
    )
    audit_record(
        actor=actor, action="supervision.facility.retire", obj=facility, summary=f"停用：{reason[:100]}"
    )
    return facility


# ---------------------------------------------------------------------------------------
# Weekly review of a hall (000 §二(一)4) and the yearly complaint analysis (000 §五(四)12)

from supervision.models import (  # noqa: E402 — appended section, kept beside its services
    ANALYSIS_TRANSITIONS,
    WEEKLY_REVIEW_TRANSITIONS,
    Adoption,
    AnalysisStatus,
    ComplaintAnalysis,
    ComplaintAnalysisEvent,
    WeeklyReview,
    WeeklyReviewEvent,
    WeeklyReviewStatus,
)

WEEKLY_REVIEW_FIELDS = (
    "arrangements",
    "problems",
    "policy_study",
    "summary",
    "safety_checked",
    "safety_findings",
    "hygiene_checked",
    "hygiene_findings",
    "site_visits",
    "suggestions",
    "adoption",
    "adoption_note",
)
TEXT_MAX = 5000


@dataclass(frozen=True)
class WeeklyReviewInput:
    """What the head writes for the week (000 §二(一)4, in the clause's order)."""

    arrangements: str = ""
    problems: str = ""
    policy_study: str = ""
    summary: str = ""
    safety_checked: bool = False
    safety_findings: str = ""
    hygiene_checked: bool = False
    hygiene_findings: str = ""
    site_visits: str = ""
    suggestions: str = ""
    adoption: str = Adoption.NONE
    adoption_note: str = ""


def _review_event(
    review: WeeklyReview, *, actor: Actor, from_status: str, to_status: str, note: str = ""
) -> None:
    user, label = event_actor(actor)
    WeeklyReviewEvent.objects.create(
        review=review, actor=user, actor_label=label, from_status=from_status, to_status=to_status, note=note
    )


def _require_branch_head(actor: Actor, branch: Branch) -> None:
    if not _is_branch_head(actor, branch.pk):
        raise _forbid(f"{branch.name}的每周工作总结只能由该管理部（大厅）的部门负责人填写。")


def _clean_review_input(entries: WeeklyReviewInput) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in WEEKLY_REVIEW_FIELDS:
        value = getattr(entries, name)
        if isinstance(value, str):
            value = value.strip()
            if len(value) > TEXT_MAX:
                label = getattr(WeeklyReview._meta.get_field(name), "verbose_name", name)
                raise _invalid(f"“{label}”不能超过{TEXT_MAX}字。", field=name)
        values[name] = value
    if values["adoption"] not in Adoption.values:
        raise _invalid("建议研究采纳情况无效，请从列表中选择。", field="adoption")
    if values["suggestions"] and values["adoption"] == Adoption.NONE:
        raise _invalid(
            "已填写合理化建议，请选择研究采纳情况（已采纳、部分采纳、研究中或不予采纳）。", field="adoption"
        )
    if values["adoption"] in (Adoption.PARTLY, Adoption.DECLINED) and not values["adoption_note"]:
        raise _invalid("部分采纳或不予采纳的建议，请在“采纳说明”中写明理由。", field="adoption_note")
    return values


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def weekly_review_save(
    *, actor: Actor, branch: Branch, week_start: date, entries: WeeklyReviewInput
) -> WeeklyReview:
    """Create or update the week's record of `branch` (a draft). The head of the
    branch writes it; a submitted record must be reopened first."""
    _require_branch_head(actor, branch)
    if week_start.weekday() != 0:
        raise _invalid("周工作总结按自然周（周一至周日）填写，开始日期应为周一。", field="week_start")
    if week_start > week_monday(_today()):
        raise _invalid("不能填写尚未开始的周的工作总结。", field="week_start")
    values = _clean_review_input(entries)
    user = user_or_none(actor)
    review = WeeklyReview.objects.select_for_update().filter(branch=branch, week_start=week_start).first()
    now = clock.now()
    if review is None:
        try:
            with transaction.atomic():
                review = WeeklyReview.objects.create(
                    branch=branch,
                    week_start=week_start,
                    status=WeeklyReviewStatus.DRAFT,
                    created_by=user,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
        except IntegrityError:
            raise Conflict(
                "本周的工作总结刚由他人创建，请刷新页面后再修改。", code="weekly_review_exists"
            ) from None
        _review_event(review, actor=actor, from_status=NEW, to_status=WeeklyReviewStatus.DRAFT, note="创建")
        audit_record(
            actor=actor,
            action="supervision.weekly_review.create",
            obj=review,
            summary=f"创建{review}",
            changes={k: [None, v] for k, v in values.items() if v},
        )
        return review
    if review.status != WeeklyReviewStatus.DRAFT:
        raise Conflict("本周的工作总结已提交，如需修改请先“退回修改”并说明理由。", code="invalid_transition")
    before = {name: getattr(review, name) for name in WEEKLY_REVIEW_FIELDS}
    changed = [name for name in WEEKLY_REVIEW_FIELDS if before[name] != values[name]]
    if not changed:
        return review
    for name in changed:
        setattr(review, name, values[name])
    review.updated_at = now
    review.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action="supervision.weekly_review.update",
        obj=review,
        summary=f"修改{review}",
        changes={name: [before[name], values[name]] for name in changed},
    )
    return review


@transaction.atomic
def weekly_review_submit(*, actor: Actor, review: WeeklyReview, note: str = "") -> WeeklyReview:
    """Submit the week's record. The clause asks for the week's arrangements, a summary
    and a full check of the hall's safety and hygiene; a record without them is refused."""
    review = WeeklyReview.objects.select_for_update().select_related("branch").get(pk=review.pk)
    _require_branch_head(actor, review.branch)
    missing = []
    if not review.arrangements.strip():
        missing.append("工作安排")
    if not review.summary.strip():
        missing.append("工作总结")
    if not review.safety_checked:
        missing.append("大厅安全检查")
    if not review.hygiene_checked:
        missing.append("大厅卫生检查")
    if missing:
        raise _invalid(
            f"提交前请完成：{'、'.join(missing)}（000 §二(一)4：每周对工作进行安排、做好工作总结，"
            "对大厅安全和卫生做到全面检查）。",
            missing=missing,
        )
    review.submitted_at = clock.now()
    review.submitted_by = user_or_none(actor)
    review.submitted_by_label = _label(actor)
    _move_review(
        review,
        WeeklyReviewStatus.SUBMITTED,
        actor=actor,
        note=note.strip(),
        fields=("submitted_at", "submitted_by", "submitted_by_label"),
    )
    audit_record(
        actor=actor,
        action="supervision.weekly_review.submit",
        obj=review,
        summary=f"提交{review}",
        changes={"status": [WeeklyReviewStatus.DRAFT, WeeklyReviewStatus.SUBMITTED]},
    )
    return review


@transaction.atomic
def weekly_review_reopen(*, actor: Actor, review: WeeklyReview, reason: str) -> WeeklyReview:
    """Reopen a submitted record for correction (the head of the branch, or the office
    asking for more), with the reason kept."""
    review = WeeklyReview.objects.select_for_update().select_related("branch").get(pk=review.pk)
    if not (
        _is_branch_head(actor, review.branch_id)
        or (not isinstance(actor, str) and actor is not None and has_role(actor, Role.OFFICE))
    ):
        raise _forbid("只有该管理部的部门负责人或业务管理处可以退回修改每周工作总结。")
    reason = reason.strip()
    if not reason:
        raise _invalid("请写明退回修改的理由。", field="reason")
    _move_review(review, WeeklyReviewStatus.DRAFT, actor=actor, note=reason)
    audit_record(
        actor=actor,
        action="supervision.weekly_review.reopen",
        obj=review,
        summary=f"退回修改：{reason}",
        changes={"status": [WeeklyReviewStatus.SUBMITTED, WeeklyReviewStatus.DRAFT]},
    )
    return review


def _move_review(
    review: WeeklyReview, to: str, *, actor: Actor, note: str = "", fields: Sequence[str] = ()
) -> None:
    before = review.status
    if to not in WEEKLY_REVIEW_TRANSITIONS.get(before, frozenset()):
        raise Conflict(
            f"当前状态“{review.get_status_display()}”下不能进行此操作。",
            code="invalid_transition",
            status_from=before,
            status_to=to,
        )
    review.status = to
    review.updated_at = clock.now()
    review.save(update_fields=["status", "updated_at", *fields])
    _review_event(review, actor=actor, from_status=before, to_status=to, note=note)


def _analysis_event(
    analysis: ComplaintAnalysis, *, actor: Actor, from_status: str, to_status: str, note: str = ""
) -> None:
    user, label = event_actor(actor)
    ComplaintAnalysisEvent.objects.create(
        analysis=analysis,
        actor=user,
        actor_label=label,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _move_analysis(
    analysis: ComplaintAnalysis, to: str, *, actor: Actor, note: str = "", fields: Sequence[str] = ()
) -> None:
    before = analysis.status
    if to not in ANALYSIS_TRANSITIONS.get(before, frozenset()):
        raise Conflict(
            f"当前状态“{analysis.get_status_display()}”下不能进行此操作。",
            code="invalid_transition",
            status_from=before,
            status_to=to,
        )
    analysis.status = to
    analysis.updated_at = clock.now()
    analysis.save(update_fields=["status", "updated_at", *fields])
    _analysis_event(analysis, actor=actor, from_status=before, to_status=to, note=note)


@transaction.atomic
def complaint_analysis_save(*, actor: Actor, year: int, causes: str, measures: str) -> ComplaintAnalysis:
    """Write the office's causes and measures for the year's analysis (a draft)."""
    _require(actor, (Role.OFFICE,), "投诉年度分析的原因分析与预防纠正措施")
    if not 2000 <= year <= _today().year:
        raise _invalid(f"年度 {year} 无效：只能分析已开始的年度。", field="year")
    causes, measures = causes.strip(), measures.strip()
    for name, value in (("causes", causes), ("measures", measures)):
        if len(value) > TEXT_MAX * 2:
            raise _invalid(f"内容不能超过{TEXT_MAX * 2}字。", field=name)
    analysis = ComplaintAnalysis.objects.select_for_update().filter(year=year).first()
    now = clock.now()
    if analysis is None:
        try:
            with transaction.atomic():
                analysis = ComplaintAnalysis.objects.create(
                    year=year,
                    causes=causes,
                    measures=measures,
                    status=AnalysisStatus.DRAFT,
                    created_at=now,
                    updated_at=now,
                    updated_by_label=_label(actor),
                )
        except IntegrityError:
            raise Conflict("该年度的分析刚由他人创建，请刷新页面后再修改。", code="analysis_exists") from None
        _analysis_event(analysis, actor=actor, from_status=NEW, to_status=AnalysisStatus.DRAFT, note="创建")
        audit_record(
            actor=actor,
            action="supervision.complaint_analysis.create",
            obj=analysis,
            summary=f"起草{analysis}",
            changes={"causes": [None, causes], "measures": [None, measures]},
        )
        return analysis
    if analysis.status != AnalysisStatus.DRAFT:
        raise Conflict(f"{analysis}{analysis.get_status_display()}，不能再修改。", code="invalid_transition")
    before = {"causes": analysis.causes, "measures": analysis.measures}
    after = {"causes": causes, "measures": measures}
    changed = [k for k in after if before[k] != after[k]]
    if not changed:
        return analysis
    analysis.causes, analysis.measures = causes, measures
    analysis.updated_at = now
    analysis.updated_by_label = _label(actor)
    analysis.save(update_fields=[*changed, "updated_at", "updated_by_label"])
    audit_record(
        actor=actor,
        action="supervision.complaint_analysis.update",
        obj=analysis,
        summary=f"修改{analysis}",
        changes={k: [before[k], after[k]] for k in changed},
    )
    return analysis


@transaction.atomic
def complaint_analysis_submit(*, actor: Actor, analysis: ComplaintAnalysis) -> ComplaintAnalysis:
    """报中心审议 (§12): the office submits the analysis to the centre's leaders."""
    _require(actor, (Role.OFFICE,), "报中心审议")
    analysis = ComplaintAnalysis.objects.select_for_update().get(pk=analysis.pk)
    if not analysis.causes.strip() or not analysis.measures.strip():
        raise _invalid("报中心审议前请写明原因分析和预防纠正措施（000 §五(四)12）。")
    analysis.submitted_at = clock.now()
    _move_analysis(analysis, AnalysisStatus.SUBMITTED, actor=actor, fields=("submitted_at",))
    audit_record(
        actor=actor,
        action="supervision.complaint_analysis.submit",
        obj=analysis,
        summary=f"{analysis}报中心审议",
        changes={"status": [AnalysisStatus.DRAFT, AnalysisStatus.SUBMITTED]},
    )
    return analysis


@transaction.atomic
def complaint_analysis_decide(
    *, actor: Actor, analysis: ComplaintAnalysis, approve: bool, opinion: str
) -> ComplaintAnalysis:
    """The centre's leader adopts the analysis (整改落实 starts) or sends it back."""
    _require(actor, (Role.LEADER,), "投诉年度分析的审议")
    analysis = ComplaintAnalysis.objects.select_for_update().get(pk=analysis.pk)
    opinion = opinion.strip()
    if not approve and not opinion:
        raise _invalid("退回修改时请写明审议意见。", field="opinion")
    to = AnalysisStatus.APPROVED if approve else AnalysisStatus.DRAFT
    before = analysis.status
    analysis.opinion = opinion
    analysis.decided_at = clock.now()
    analysis.decided_by_label = _label(actor)
    _move_analysis(
        analysis, to, actor=actor, note=opinion, fields=("opinion", "decided_at", "decided_by_label")
    )
    audit_record(
        actor=actor,
        action="supervision.complaint_analysis.decide",
        obj=analysis,
        summary=f"{analysis}{'审议通过' if approve else '退回修改'}：{opinion}"[:500],
        changes={"status": [before, to]},
    )
    return analysis
