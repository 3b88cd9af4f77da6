"""Inspections of a window and its staff member (000 §五(五)4(2): 日常检查、突击检查、上级领导检查):
recording the sheet with its findings (those against the person that break a penalty
item of 002 篇4 go to the violations ledger too), photos, publishing (通报, 000 §五(五)5(2))
and voiding a wrong one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from audit.services import audit_record
from audit.transitions import transition
from common import clock
from common.actors import Actor, actor_label, forbidden, user_or_none
from common.errors import Conflict
from org.access import has_role
from org.models import Role, Staff, Window
from rules.models import RuleKind
from rules.schemas import FinesParams
from rules.selectors import rules_in_force
from supervision import conf
from supervision.checklist import sheet_score
from supervision.models import (
    ChecklistItem,
    Inspection,
    InspectionFinding,
    InspectionKind,
    InspectionStatus,
    Subject,
    Upload,
    UploadOwner,
    Violation,
    ViolationSource,
)
from supervision.services._common import (
    INSPECT_ROLES,
    attach_files,
    invalid,
    next_no,
    record_event,
    require,
)
from supervision.services.violations import violation_create, void_with_violations


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
        raise invalid("请选择检查类型：日常检查、突击检查或上级领导检查。")
    require(actor, INSPECT_ROLES[InspectionKind(kind)], InspectionKind(kind).label)
    now = clock.now()
    inspected_at = inspected_at or now
    if inspected_at > now + clock.skew_tolerance():
        raise invalid("检查时间不能晚于现在。")
    day = clock.local_date(inspected_at)
    if not window.is_active:
        raise invalid(f"{window}已停用。")
    if staff is not None and not staff.is_active:
        raise invalid(f"{staff.name}不在岗，不能作为被检查人员。")
    rules = rules_in_force(RuleKind.WINDOW_SCORE, day)
    if kind not in {i.code for i in rules.params.inspections}:
        raise invalid(f"{day:%Y-%m-%d} 生效的服务窗口评价规则集没有“{InspectionKind(kind).label}”。")
    codes = [f.item_code for f in findings]
    if len(codes) != len(set(codes)):
        raise invalid("同一检查项目只能记一次，请在情况说明中写明次数。")
    items = {i.code: i for i in ChecklistItem.objects.filter(code__in=codes, is_active=True)}
    unknown = [c for c in codes if c not in items or kind not in items[c].kinds]
    if unknown:
        raise invalid(f"检查项目 {'、'.join(unknown)} 不存在、已停用或不适用于{InspectionKind(kind).label}。")
    staff_items = [c for c in codes if items[c].subject == Subject.STAFF]
    if staff_items and staff is None:
        raise invalid("发现了针对工作人员的问题，请选择被检查的窗口工作人员。")
    if kind == InspectionKind.SURPRISE and findings and not pointed_out:
        raise invalid("突击检查发现的问题应当立即指出（000 §五(五)4(2)），请确认已当场指出。")
    full = conf.sheet_full_marks()
    score = sheet_score(full, [items[c].deduction for c in codes])
    inspection = Inspection.objects.create(
        no=next_no("JC", day.year),
        kind=kind,
        branch=window.branch,
        window=window,
        staff=staff,
        inspected_at=inspected_at,
        inspected_on=day,
        inspector=user_or_none(actor),
        inspector_name=actor_label(actor),
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
            violation_create(
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
    record_event(inspection, actor=actor, note=f"检查得分 {score}/{full}", created=True)
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
        raise forbidden("只有检查人或业务管理处可以补充照片。")
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
    require(actor, (Role.INSPECTOR, Role.OFFICE, Role.LEADER), "通报检查结果")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    text = text.strip()
    if not text:
        raise invalid("请填写通报内容。")
    inspection.published_at = clock.now()
    inspection.published_note = text
    transition(
        inspection,
        InspectionStatus.PUBLISHED,
        actor=actor,
        note=text,
        fields=["published_at", "published_note"],
        audit="supervision.inspection.publish",
        summary=f"通报：{text[:200]}",
    )
    return inspection


@transaction.atomic
def inspection_void(*, actor: Actor, inspection: Inspection, reason: str) -> Inspection:
    """Void a wrong inspection (it no longer counts in the window score); the
    violations it entered in the ledger are reversed with the same reason."""
    require(actor, (Role.OFFICE,), "作废检查记录")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    return void_with_violations(
        inspection,
        InspectionStatus.VOIDED,
        actor=actor,
        reason=reason,
        violations=Violation.objects.active().filter(finding__inspection=inspection),
        because=f"检查{inspection.no}已作废",
        action="supervision.inspection.void",
    )
