"""Writes of the service guide: a new matter with its first version, a revision (a new
version from its effective date, never an edit: 000 §五(三)4, 002 篇5 §一), and a
matter's status (暂停办理 / 停止办理 / 恢复办理) along its map.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.files.base import File
from django.db import transaction

from audit.services import audit_record, diff
from audit.transitions import check_transition, status_label, transition
from catalog.models import Matter, MatterEvent, MatterMaterial, MatterVersion, ServiceObject
from catalog.services.guides import GuideSpec, InvalidGuide, guide_problems
from common import clock
from common.actors import AnyActor, event_actor
from common.errors import DomainError
from org.models import Category, Department


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
    actor: AnyActor,
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
    user, label = event_actor(actor)
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
    matter.events.create(
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
    *, actor: AnyActor, matter: Matter, effective_from: date, note: str, guide: GuideSpec
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
    user, label = event_actor(actor)
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
    matter.events.create(
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


@transaction.atomic
def matter_set_status(*, actor: AnyActor, matter: Matter, status: str, note: str) -> Matter:
    """暂停办理 / 停止办理 / 恢复办理, along the matter's map, with the reason."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    before, after = status_label(matter, matter.status), status_label(matter, status)
    refused = f"事项当前为“{before}”，不能改为“{after}”。"
    check_transition(matter, status, refused=refused)
    if not note.strip():
        raise DomainError("请填写原因，办事职工会在办事指南上看到。", code="note_required")
    transition(
        matter,
        status,
        actor=actor,
        note=note,
        event={"kind": MatterEvent.Kind.STATUS},
        audit="catalog.matter.status",
        summary=f"事项 {matter.code}：{before} → {after}（{note}）",
        refused=refused,
    )
    return matter
