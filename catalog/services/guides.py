"""What a guide version says and whether it can be published: the fields of 002 篇5
§一2 (①事项名称 … ⑧投诉电话) and the application materials (申报材料, 000 §五(三)1(1)),
checked field by field with a message naming each problem.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File

from catalog.models import HandlingType, MaterialForm, MaterialRequirement, MatterVersion
from common import identity
from common.errors import DomainError

MAX_COPIES = 20


class InvalidGuide(DomainError):
    """A guide version that cannot be published; `problems` lists every problem."""

    code = "invalid_guide"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems), problems=problems)
        self.problems = problems


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
