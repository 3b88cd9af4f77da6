"""Writes of the catalog: matters and their guide versions, one-time notices.

Every function is keyword-only, runs in one transaction and writes its event row and
its audit event in that transaction (docs/architecture.md "Writes").
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from PIL import Image, UnidentifiedImageError

from audit.services import audit_record, diff
from catalog.models import (
    MATTER_TRANSITIONS,
    NOTICE_TRANSITIONS,
    HandlingType,
    ItemStatus,
    MaterialForm,
    MaterialRequirement,
    Matter,
    MatterEvent,
    MatterMaterial,
    MatterStatus,
    MatterVersion,
    NoticeChannel,
    NoticeSequence,
    NoticeStatus,
    OneTimeNotice,
    OneTimeNoticeEvent,
    OneTimeNoticeItem,
    ServiceObject,
    SignatureMethod,
)
from catalog.selectors import version_in_force
from common import clock, identity
from common.errors import Conflict, DomainError
from org.models import Branch, Category, Department

Actor = AbstractBaseUser | AnonymousUser | str | None

# Product settings (not regulation numbers): limits on what a person may upload.
MAX_SIGNATURE_BYTES = 1_000_000
MAX_SCAN_BYTES = 10_000_000
MAX_COPIES = 20


class InvalidGuide(DomainError):
    """A guide version that cannot be published; `problems` lists every problem."""

    code = "invalid_guide"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems), problems=problems)
        self.problems = problems


def _actor(actor: Actor) -> tuple[Any, str]:
    if actor is None or isinstance(actor, AnonymousUser):
        return None, "匿名"
    if isinstance(actor, str):
        return None, actor
    return actor, actor.get_username()


# --- Matters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    requirement: str
    form: str
    copies: int = 1
    condition: str = ""
    source: str = ""
    standard: str = ""
    provided_form: str = ""
    code: str = ""  # the code of the same material in an earlier version, kept across versions
    # The blank form and a filled sample: the stored name of an earlier version's file (kept
    # as it is) or a newly uploaded file.
    blank_form: str | File | None = None
    sample: str | File | None = None

    def content(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k not in ("code", "blank_form", "sample")}
        data["blank_form"] = _file_key(self.blank_form)
        data["sample"] = _file_key(self.sample)
        return data


def _file_key(value: str | File | None) -> str:
    if value is None or value == "":
        return ""
    return value if isinstance(value, str) else f"upload:{value.name}"


# Product settings: what a blank form or a sample may be.
FORM_FILE_TYPES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png"}
MAX_FORM_FILE_BYTES = 10_000_000


def _form_file_problem(label: str, value: str | File | None) -> str | None:
    if value is None or isinstance(value, str):
        return None
    name = (value.name or "").lower()
    if not any(name.endswith(ext) for ext in FORM_FILE_TYPES):
        return f"{label}应为 PDF、Word、Excel 或图片文件。"
    if (value.size or 0) > MAX_FORM_FILE_BYTES:
        return f"{label}不能超过10MB。"
    return None


@dataclass(frozen=True)
class GuideSpec:
    """Everything a guide version says (the fields of MatterVersion and its materials)."""

    name: str
    handling_type: str
    legal_basis: str
    conditions: str
    procedure: tuple[str, ...]
    promised_days: int
    limit_basis: str
    fee_note: str
    place: str
    hours: str
    consultation_phone: str
    materials: tuple[MaterialSpec, ...]
    keywords: str = ""
    summary: str = ""
    result: str = ""
    statutory_days: int | None = None
    statutory_basis: str = ""
    is_free: bool = True
    complaint_phone: str = "12329"
    online_available: bool = False
    online_note: str = ""
    appointment_allowed: bool = True
    joint_parties: str = ""
    notes: str = ""
    departments: tuple[int, ...] = field(default=())

    VERSION_FIELDS = (
        "name",
        "keywords",
        "summary",
        "handling_type",
        "legal_basis",
        "conditions",
        "procedure",
        "result",
        "statutory_days",
        "statutory_basis",
        "promised_days",
        "limit_basis",
        "is_free",
        "fee_note",
        "place",
        "hours",
        "consultation_phone",
        "complaint_phone",
        "online_available",
        "online_note",
        "appointment_allowed",
        "joint_parties",
        "notes",
    )

    @classmethod
    def of(cls, version: MatterVersion) -> GuideSpec:
        """What a stored version says, to prefill a revision or compare with one."""
        values = {name: getattr(version, name) for name in cls.VERSION_FIELDS}
        values["procedure"] = tuple(version.procedure)
        return cls(
            **values,
            materials=tuple(
                MaterialSpec(
                    name=m.name,
                    requirement=m.requirement,
                    form=m.form,
                    copies=m.copies,
                    condition=m.condition,
                    source=m.source,
                    standard=m.standard,
                    provided_form=m.provided_form,
                    code=m.code,
                    blank_form=m.blank_form.name or "",
                    sample=m.sample.name or "",
                )
                for m in version.materials.order_by("order")
            ),
            departments=tuple(sorted(version.departments.values_list("pk", flat=True))),
        )

    def version_values(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self.VERSION_FIELDS}
        values["procedure"] = list(self.procedure)
        return values

    def content(self) -> dict[str, Any]:
        """Comparable content: the fields and the materials without their codes."""
        return {
            **self.version_values(),
            "materials": [m.content() for m in self.materials],
            "departments": sorted(self.departments),
        }


_TEXT_LIMITS = {
    "name": 100,
    "keywords": 300,
    "result": 200,
    "statutory_basis": 300,
    "limit_basis": 300,
    "fee_note": 300,
    "place": 300,
    "hours": 200,
    "online_note": 300,
    "joint_parties": 300,
}


def guide_problems(spec: GuideSpec) -> list[str]:
    """Every reason the guide cannot be published, in Chinese, naming the field."""
    problems: list[str] = []
    labels = {f.name: f.verbose_name for f in MatterVersion._meta.get_fields() if hasattr(f, "verbose_name")}
    for name in ("name", "legal_basis", "conditions", "limit_basis", "fee_note", "place", "hours"):
        if not str(getattr(spec, name) or "").strip():
            problems.append(f"“{labels[name]}”不能为空。")
    for name, limit in _TEXT_LIMITS.items():
        if len(str(getattr(spec, name) or "")) > limit:
            problems.append(f"“{labels[name]}”最多 {limit} 个字。")
    if spec.handling_type not in HandlingType.values:
        problems.append("办件类型只能是即办件、承诺件、联办件或上报件。")
    if spec.promised_days < 0:
        problems.append("承诺时限不能为负数。")
    elif (spec.promised_days == 0) != (spec.handling_type == HandlingType.IMMEDIATE):
        problems.append("承诺时限为0（即办）的事项，办件类型应为即办件；即办件的承诺时限应为0。")
    if spec.statutory_days is not None and spec.statutory_days < 0:
        problems.append("法定时限不能为负数。")
    if not [s for s in spec.procedure if s.strip()]:
        problems.append("办理程序至少要有一个步骤。")
    for label, phone in (("咨询电话", spec.consultation_phone), ("投诉电话", spec.complaint_phone)):
        try:
            identity.validate_landline_or_mobile(phone)
        except ValidationError as exc:
            problems.append(f"{label}：{exc.messages[0]}")
    names = [m.name.strip() for m in spec.materials]
    if len(set(names)) != len(names):
        problems.append("申报材料的名称不能重复。")
    for i, m in enumerate(spec.materials, start=1):
        where = f"第{i}项材料"
        if not m.name.strip():
            problems.append(f"{where}缺少名称。")
        if m.requirement not in MaterialRequirement.values:
            problems.append(f"{where}的提交要求无效。")
        if m.requirement == MaterialRequirement.CONDITIONAL and not m.condition.strip():
            problems.append(f"{where}“{m.name}”是视情形提交的材料，请写明适用情形。")
        if m.form not in MaterialForm.values:
            problems.append(f"{where}的原件/复印件要求无效。")
        if not 1 <= m.copies <= MAX_COPIES:
            problems.append(f"{where}的份数应在 1 到 {MAX_COPIES} 之间。")
        if not m.source.strip():
            problems.append(f"{where}“{m.name}”请写明材料来源。")
        for label, value in ((f"{where}的空白表格", m.blank_form), (f"{where}的填写样表", m.sample)):
            problem = _form_file_problem(label, value)
            if problem:
                problems.append(problem)
    return problems


def _check_effective_from(effective_from: date, latest: MatterVersion | None) -> None:
    today = clock.today()
    if effective_from < today:
        raise DomainError(
            f"施行日期不能早于今天（{today:%Y-%m-%d}）：已经过去的日子按当时的办事指南办理，不能改写。",
            code="effective_from_past",
        )
    if latest is not None and effective_from < latest.effective_from:
        raise DomainError(
            f"施行日期不能早于最新版本（第{latest.number}版，{latest.effective_from:%Y-%m-%d}起施行）的施行日期。",
            code="effective_from_before_latest",
        )


def _write_version(
    *, matter: Matter, number: int, effective_from: date, spec: GuideSpec, user: Any, label: str, note: str
) -> MatterVersion:
    version = MatterVersion.objects.create(
        matter=matter,
        number=number,
        effective_from=effective_from,
        created_by=user,
        created_by_label=label,
        change_note=note,
        **spec.version_values(),
    )
    known = set(MatterMaterial.objects.filter(version__matter=matter).values_list("code", flat=True))
    next_n = _next_material_number(matter)
    rows = []
    for order, m in enumerate(spec.materials, start=1):
        code = m.code if m.code and m.code in known else ""
        if not code:
            code = f"{matter.code}-M{next_n:02d}"
            next_n += 1
        rows.append(
            MatterMaterial(
                version=version,
                code=code,
                order=order,
                name=m.name.strip(),
                requirement=m.requirement,
                condition=m.condition.strip(),
                form=m.form,
                copies=m.copies,
                source=m.source.strip(),
                standard=m.standard.strip(),
                provided_form=m.provided_form.strip(),
            )
        )
    MatterMaterial.objects.bulk_create(rows)
    for row, m in zip(rows, spec.materials, strict=True):
        _attach(row, "blank_form", m.blank_form)
        _attach(row, "sample", m.sample)
    if spec.departments:
        version.departments.set(Department.objects.filter(pk__in=spec.departments))
    return version


def _attach(material: MatterMaterial, field_name: str, value: str | File | None) -> None:
    """Keep an earlier version's stored file (same name, same file) or store an upload."""
    if not value:
        return
    field = getattr(material, field_name)
    if isinstance(value, str):
        field.name = value
    else:
        field.save(f"{material.code}-{field_name}-{value.name}", value, save=False)
    material.save(update_fields=[field_name])


_MATERIAL_NO = re.compile(r"-M(\d+)$")


def _next_material_number(matter: Matter) -> int:
    numbers = [
        int(m.group(1))
        for code in MatterMaterial.objects.filter(version__matter=matter).values_list("code", flat=True)
        if (m := _MATERIAL_NO.search(code))
    ]
    return max(numbers, default=0) + 1


_CODE = re.compile(r"^[A-Z]{2}[A-Z0-9-]{1,18}$")


@transaction.atomic
def matter_create(
    *,
    actor: Actor,
    code: str,
    category: str,
    service_object: str,
    effective_from: date,
    guide: GuideSpec,
    note: str = "",
    group: str = "",
    stage_order: int = 0,
) -> Matter:
    """A new matter with its first guide version."""
    code = code.strip().upper()
    problems = []
    if not _CODE.match(code):
        problems.append("事项编码应为2位大写字母开头的3–20位字母、数字或“-”，例如 TQ027。")
    elif Matter.objects.filter(code=code).exists():
        problems.append(f"事项编码 {code} 已被使用。")
    if category not in Category.values:
        problems.append("业务类别无效。")
    if service_object not in ServiceObject.values:
        problems.append("服务对象只能是个人或单位。")
    problems += guide_problems(guide)
    if problems:
        raise InvalidGuide(problems)
    _check_effective_from(effective_from, None)
    user, label = _actor(actor)
    matter = Matter.objects.create(
        code=code,
        category=category,
        service_object=service_object,
        group=group.strip(),
        stage_order=stage_order,
    )
    _write_version(
        matter=matter,
        number=1,
        effective_from=effective_from,
        spec=guide,
        user=user,
        label=label,
        note=note or "首版",
    )
    MatterEvent.objects.create(
        matter=matter,
        kind=MatterEvent.Kind.CREATED,
        actor=user,
        actor_label=label,
        to_status=matter.status,
        version_number=1,
        note=note,
    )
    audit_record(
        actor=actor,
        action="catalog.matter.create",
        obj=matter,
        summary=f"新增服务事项 {code} {guide.name}，{effective_from:%Y-%m-%d}起施行",
        changes={"version": 1, "effective_from": effective_from.isoformat()},
    )
    return matter


@transaction.atomic
def matter_revise(
    *, actor: Actor, matter: Matter, effective_from: date, note: str, guide: GuideSpec
) -> MatterVersion:
    """A new version of the guide from `effective_from` (today or later). Earlier
    versions stay as they were: cases and notices keep the version they were made under."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if not note.strip():
        raise DomainError("请填写修订说明（改了什么、依据什么）。", code="note_required")
    latest = MatterVersion.objects.filter(matter=matter).order_by("-number").first()
    problems = guide_problems(guide)
    if problems:
        raise InvalidGuide(problems)
    _check_effective_from(effective_from, latest)
    before = GuideSpec.of(latest).content() if latest else {}
    after = guide.content()
    if latest is not None and before == after:
        raise DomainError("修订内容与最新版本完全相同，无需修订。", code="unchanged")
    user, label = _actor(actor)
    number = (latest.number if latest else 0) + 1
    version = _write_version(
        matter=matter,
        number=number,
        effective_from=effective_from,
        spec=guide,
        user=user,
        label=label,
        note=note,
    )
    MatterEvent.objects.create(
        matter=matter,
        kind=MatterEvent.Kind.REVISED,
        actor=user,
        actor_label=label,
        from_status=matter.status,
        to_status=matter.status,
        version_number=number,
        note=note,
    )
    changes = diff(before, after)
    audit_record(
        actor=actor,
        action="catalog.matter.revise",
        obj=matter,
        summary=f"修订办事指南 {matter.code} 为第{number}版，{effective_from:%Y-%m-%d}起施行：{note}",
        changes={"version": number, "effective_from": effective_from.isoformat(), "fields": sorted(changes)},
    )
    return version


def _status_label(status: str) -> str:
    return MatterStatus(status).label if status in MatterStatus.values else status


@transaction.atomic
def matter_set_status(*, actor: Actor, matter: Matter, status: str, note: str) -> Matter:
    """暂停办理 / 停止办理 / 恢复办理, along MATTER_TRANSITIONS, with the reason."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if status not in MATTER_TRANSITIONS.get(matter.status, frozenset()):
        raise Conflict(
            f"事项当前为“{MatterStatus(matter.status).label}”，不能改为“{_status_label(status)}”。",
            code="invalid_transition",
        )
    if not note.strip():
        raise DomainError("请填写原因，办事职工会在办事指南上看到。", code="note_required")
    before = matter.status
    matter.status = status
    matter.save(update_fields=["status"])
    user, label = _actor(actor)
    MatterEvent.objects.create(
        matter=matter,
        kind=MatterEvent.Kind.STATUS,
        actor=user,
        actor_label=label,
        from_status=before,
        to_status=status,
        note=note,
    )
    audit_record(
        actor=actor,
        action="catalog.matter.status",
        obj=matter,
        summary=f"事项 {matter.code}：{MatterStatus(before).label} → {MatterStatus(status).label}（{note}）",
        changes={"status": [before, status]},
    )
    return matter


# --- One-time notices (000 §五(三)) ------------------------------------------------------


@dataclass(frozen=True)
class Citizen:
    """Who the notice is for: name and identity number (validated); on the phone a
    phone number suffices (000 §五(三)3)."""

    name: str
    id_number: str = ""
    phone: str = ""
    employer_name: str = ""
    employer_credit_code: str = ""

    def validated(self, channel: str) -> Citizen:
        problems: list[str] = []
        name = self.name.strip()
        if not name:
            problems.append("请填写办事职工姓名。")
        elif len(name) > 50:
            problems.append("姓名最多50个字。")
        id_number, phone, credit = (
            self.id_number.strip(),
            self.phone.strip(),
            self.employer_credit_code.strip(),
        )
        if channel == NoticeChannel.COUNTER and not id_number:
            problems.append("窗口书面告知须填写办事职工的身份证号码。")
        if channel == NoticeChannel.PHONE and not (phone or id_number):
            problems.append("电话告知须记录来电号码（或身份证号码）。")
        for value, check in (
            (id_number, identity.validate_resident_id),
            (phone, identity.validate_landline_or_mobile),
            (credit, identity.validate_uscc),
        ):
            if value:
                try:
                    check(value)
                except ValidationError as exc:
                    problems.append(exc.messages[0])
        if problems:
            raise DomainError("；".join(problems), code="invalid_citizen", problems=problems)
        return Citizen(
            name=name,
            id_number=identity.validate_resident_id(id_number) if id_number else "",
            phone=identity.validate_landline_or_mobile(phone) if phone else "",
            employer_name=self.employer_name.strip()[:100],
            employer_credit_code=identity.validate_uscc(credit) if credit else "",
        )


def _same_citizen(citizen: Citizen) -> Q:
    """The same person: the same identity number; or, when one side has no identity
    number (a phone consultation), the same phone number."""
    if citizen.id_number:
        q = Q(citizen_id_number=citizen.id_number)
        if citizen.phone:
            q |= Q(citizen_id_number="", citizen_phone=citizen.phone)
        return q
    return Q(citizen_phone=citizen.phone)


def _next_number(branch: Branch, day: date) -> str:
    updated = NoticeSequence.objects.filter(branch=branch, day=day).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                NoticeSequence.objects.create(branch=branch, day=day, last=1)
        except IntegrityError:  # created by a concurrent transaction in the meantime
            NoticeSequence.objects.filter(branch=branch, day=day).update(last=F("last") + 1)
    last = NoticeSequence.objects.get(branch=branch, day=day).last
    return f"{branch.code}-{day:%Y%m%d}-{last:04d}"


@dataclass(frozen=True)
class BreachFinding:
    material: MatterMaterial
    reason: str


def breach_findings(
    *, matter: Matter, citizen: Citizen, missing: list[MatterMaterial], before: datetime
) -> tuple[OneTimeNotice | None, list[BreachFinding]]:
    """The one-time rule (000 §五(三)): materials this notice adds although the version
    of the citizen's first notice for the matter already required them. A material that
    a later version added is not a breach; one already told in any earlier notice is
    not "added"."""
    earlier = list(
        OneTimeNotice.objects.standing()
        .filter(matter=matter, issued_at__lt=before)
        .filter(_same_citizen(citizen))
        .select_related("version")
        .prefetch_related("items__material")
        .order_by("issued_at", "pk")
    )
    if not earlier:
        return None, []
    first = earlier[0]
    required_then = {m.code: m for m in first.version.materials.all()}
    told = {i.material.code for n in earlier for i in n.items.all() if i.status == ItemStatus.MISSING}
    first_status = {i.material.code: i.status for i in first.items.all()}
    findings = []
    when = clock.local(first.issued_at)
    for material in missing:
        if material.code in required_then and material.code not in told:
            said_of: dict[str, str] = {
                ItemStatus.BROUGHT.value: "首次告知时记为“已提交”",
                ItemStatus.NOT_APPLICABLE.value: "首次告知时记为“不适用”",
            }
            said = said_of.get(first_status.get(material.code, ""), "首次告知时未列入清单")
            findings.append(
                BreachFinding(
                    material,
                    f"首次告知（{first.number}，{when:%Y-%m-%d %H:%M}）"
                    f"所依据的第{first.version.number}版办事指南"
                    f"已列明此材料，{said}",
                )
            )
    return first, findings


@transaction.atomic
def notice_issue(
    *,
    actor: AuthUser,
    branch: Branch,
    matter: Matter,
    channel: str,
    citizen: Citizen,
    statuses: Mapping[int, str],
    notes: Mapping[int, str] | None = None,
    other_notes: str = "",
    now: datetime | None = None,
) -> OneTimeNotice:
    """Produce the one-time notice of a visit or a phone consultation: every material of
    the current guide version is recorded as brought, still needed or not applicable.
    A second notice for the same citizen and matter at the same branch on the same day
    (the same visit) is refused; a notice that adds a material the first notice's version already required
    is issued and flagged as a breach of the one-time rule."""
    if channel not in NoticeChannel.values:
        raise DomainError("告知方式只能是窗口书面告知或电话口头告知。", code="invalid_channel")
    now = now or clock.now()
    today = clock.local(now).date()
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if matter.status != MatterStatus.ACTIVE:
        raise Conflict(
            f"该事项目前{MatterStatus(matter.status).label}，不能出具一次性告知清单。",
            code="matter_not_active",
        )
    version = version_in_force(matter, today)
    if version is None:
        raise Conflict("该事项目前没有施行中的办事指南。", code="no_version")
    materials = list(version.materials.order_by("order"))
    if not materials:
        raise DomainError(
            "该事项由中心内部办理，无需申请人提交材料，不需要出具一次性告知清单。", code="no_materials"
        )
    citizen = citizen.validated(channel)
    notes = {k: (v or "").strip()[:200] for k, v in (notes or {}).items()}

    by_id = {m.pk: m for m in materials}
    if set(statuses) != set(by_id):
        raise Conflict(
            "材料清单与当前施行的办事指南不一致（办事指南可能刚刚修订），请刷新页面后重新勾选。",
            code="stale_materials",
        )
    problems = []
    for material_id, status in statuses.items():
        material = by_id[material_id]
        if status not in ItemStatus.values:
            problems.append(f"“{material.name}”的情况无效。")
        elif status == ItemStatus.NOT_APPLICABLE and material.requirement != MaterialRequirement.CONDITIONAL:
            problems.append(f"“{material.name}”是必须提交的材料，不能记为不适用。")
        elif status == ItemStatus.BROUGHT and channel == NoticeChannel.PHONE:
            problems.append("电话咨询时办事职工没有提交材料，材料只能记为“尚需提交”或“不适用”。")
            break
    if problems:
        raise DomainError("；".join(problems), code="invalid_items", problems=problems)
    missing = [by_id[i] for i, s in statuses.items() if s == ItemStatus.MISSING]
    missing.sort(key=lambda m: m.order)
    if not missing and channel == NoticeChannel.COUNTER:
        raise DomainError("材料已经齐全，无需出具一次性告知清单，请直接受理。", code="nothing_missing")

    same_visit = (
        OneTimeNotice.objects.standing()
        .filter(matter=matter, business_date=today, branch=branch)
        .filter(_same_citizen(citizen))
        .first()
    )
    if same_visit is not None:
        raise Conflict(
            f"该办事职工今天已就此事项出具过一次性告知清单（编号 {same_visit.number}），"
            "一次来访只出具一份清单，请重新打印原清单。",
            code="already_notified",
            number=same_visit.number,
        )

    first, findings = breach_findings(matter=matter, citizen=citizen, missing=missing, before=now)
    breach_by_id = {f.material.pk: f for f in findings}
    user, label = _actor(actor)
    notice = OneTimeNotice.objects.create(
        number=_next_number(branch, today),
        branch=branch,
        matter=matter,
        version=version,
        channel=channel,
        status=NoticeStatus.ISSUED if channel == NoticeChannel.COUNTER else NoticeStatus.RECORDED,
        citizen_name=citizen.name,
        citizen_id_number=citizen.id_number,
        citizen_phone=citizen.phone,
        employer_name=citizen.employer_name,
        employer_credit_code=citizen.employer_credit_code,
        other_notes=other_notes.strip()[:2000],
        business_date=today,
        issued_at=now,
        issued_by=actor,
        breach=bool(findings),
        breach_of=first if findings else None,
        breach_note="\n".join(f"《{f.material.name}》：{f.reason}" for f in findings),
    )
    OneTimeNoticeItem.objects.bulk_create(
        OneTimeNoticeItem(
            notice=notice,
            material=material,
            status=statuses[material.pk],
            note=notes.get(material.pk, ""),
            breach=material.pk in breach_by_id,
            breach_reason=breach_by_id[material.pk].reason if material.pk in breach_by_id else "",
        )
        for material in materials
    )
    OneTimeNoticeEvent.objects.create(
        notice=notice,
        actor=user,
        actor_label=label,
        to_status=notice.status,
        note=NoticeChannel(channel).label,
        at=now,
    )
    audit_record(
        actor=actor,
        action="catalog.notice.issue",
        obj=notice,
        summary=(
            f"一次性告知 {notice.number}：{version.name}（第{version.number}版），"
            f"尚需提交 {len(missing)} 项，{NoticeChannel(channel).label}"
            + (f"；违反一次性告知：{len(findings)} 项材料首次告知时已应列明" if findings else "")
        ),
        changes={
            "matter": matter.code,
            "version": version.number,
            "missing": [m.code for m in missing],
            "breach": [f.material.code for f in findings],
            "breach_of": first.number if findings and first else None,
        },
    )
    return notice


def _transition(
    notice: OneTimeNotice, to: str, *, actor: Actor, note: str, verb: str, fields: tuple[str, ...] = ()
) -> None:
    if to not in NOTICE_TRANSITIONS[notice.status]:
        raise Conflict(
            f"清单 {notice.number} 当前为“{NoticeStatus(notice.status).label}”，不能{verb}。",
            code="invalid_transition",
        )
    before = notice.status
    notice.status = to
    notice.save(update_fields=["status", *fields])
    user, label = _actor(actor)
    OneTimeNoticeEvent.objects.create(
        notice=notice, actor=user, actor_label=label, from_status=before, to_status=to, note=note
    )
    audit_record(
        actor=actor,
        action=f"catalog.notice.{to}",
        obj=notice,
        summary=f"一次性告知清单 {notice.number}：{NoticeStatus(before).label} → {NoticeStatus(to).label}"
        + (f"（{note}）" if note else ""),
        changes={"status": [before, to]},
    )


def _locked(notice: OneTimeNotice) -> OneTimeNotice:
    return OneTimeNotice.objects.select_for_update().get(pk=notice.pk)


def _check_png(data: bytes) -> None:
    if len(data) > MAX_SIGNATURE_BYTES:
        raise DomainError("签名图像过大，请清除后重新签名。", code="signature_too_large")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise DomainError("签名图像无法识别，请重新签名。", code="signature_invalid") from None
    if image.format != "PNG" or image.width > 4000 or image.height > 2000:
        raise DomainError("签名图像格式不正确，请在手签板上重新签名。", code="signature_invalid")
    rgba = image.convert("RGBA")
    # Ink is what is neither transparent nor white: an empty pad yields no bounding box.
    ink = Image.eval(rgba.getchannel("A"), lambda a: 255 if a > 32 else 0)
    dark = Image.eval(rgba.convert("L"), lambda v: 255 if v < 200 else 0)
    inked = Image.composite(dark, Image.new("L", rgba.size, 0), ink)
    if inked.getbbox() is None:
        raise DomainError("签名为空，请办事职工在手签板上签名后再确认。", code="signature_empty")


@transaction.atomic
def notice_sign_on_pad(*, actor: Actor, notice: OneTimeNotice, png: bytes) -> OneTimeNotice:
    """The citizen signed on the counter tablet's pad: the PNG is kept with the notice."""
    notice = _locked(notice)
    if notice.channel != NoticeChannel.COUNTER:
        raise Conflict("电话口头告知无需签名。", code="no_signature_needed")
    _check_png(png)
    notice.signature_method = SignatureMethod.PAD
    notice.signature_file.save(f"{notice.number}-pad.png", ContentFile(png), save=False)
    notice.signed_at = clock.now()
    _transition(
        notice,
        NoticeStatus.SIGNED,
        actor=actor,
        note="手签板签名",
        verb="签名",
        fields=("signature_method", "signature_file", "signed_at"),
    )
    return notice


_SCAN_TYPES = {"JPEG": "jpg", "PNG": "png"}


@transaction.atomic
def notice_sign_on_paper(*, actor: Actor, notice: OneTimeNotice, scan: File) -> OneTimeNotice:
    """The citizen signed the paper list; its scan (JPEG, PNG or PDF) is archived."""
    notice = _locked(notice)
    if notice.channel != NoticeChannel.COUNTER:
        raise Conflict("电话口头告知无需签名。", code="no_signature_needed")
    size = scan.size or 0
    if size > MAX_SCAN_BYTES:
        raise DomainError("扫描件不能超过10MB，请降低扫描分辨率后重新上传。", code="scan_too_large")
    scan.seek(0)
    head = scan.read(5)
    scan.seek(0)
    if head == b"%PDF-":
        extension = "pdf"
    else:
        try:
            image = Image.open(scan)
            image.verify()
            extension = _SCAN_TYPES.get(image.format or "", "")
        except (UnidentifiedImageError, OSError, ValueError):
            extension = ""
        scan.seek(0)
    if not extension:
        raise DomainError("扫描件应为 PDF、JPG 或 PNG 文件。", code="scan_invalid")
    notice.signature_method = SignatureMethod.PAPER
    notice.signature_file.save(f"{notice.number}-paper.{extension}", scan, save=False)
    notice.signed_at = clock.now()
    _transition(
        notice,
        NoticeStatus.SIGNED,
        actor=actor,
        note="已在纸质清单上签字，扫描件已存档",
        verb="登记签名",
        fields=("signature_method", "signature_file", "signed_at"),
    )
    return notice


@transaction.atomic
def notice_refuse_signature(*, actor: Actor, notice: OneTimeNotice, note: str) -> OneTimeNotice:
    notice = _locked(notice)
    if not note.strip():
        raise DomainError("请注明办事职工拒签的情况。", code="note_required")
    _transition(notice, NoticeStatus.REFUSED, actor=actor, note=note.strip(), verb="登记拒签")
    return notice


@transaction.atomic
def notice_void(*, actor: Actor, notice: OneTimeNotice, reason: str) -> OneTimeNotice:
    """作废 (e.g. the wrong matter was chosen). The notice is kept with the reason; a
    voided notice no longer counts for the same-visit rule nor as an earlier notice."""
    notice = _locked(notice)
    if not reason.strip():
        raise DomainError("请填写作废原因。", code="reason_required")
    _transition(notice, NoticeStatus.VOIDED, actor=actor, note=reason.strip(), verb="作废")
    return notice


__all__ = [
    "BreachFinding",
    "Citizen",
    "GuideSpec",
    "InvalidGuide",
    "MaterialSpec",
    "breach_findings",
    "guide_problems",
    "matter_create",
    "matter_revise",
    "matter_set_status",
    "notice_issue",
    "notice_refuse_signature",
    "notice_sign_on_pad",
    "notice_sign_on_paper",
    "notice_void",
]
