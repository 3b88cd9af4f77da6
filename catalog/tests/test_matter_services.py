"""Revising a guide makes a new version; the old one stays (a case keeps its version)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from audit.models import AuditEvent
from catalog import services
from catalog.models import Matter, MatterEvent, MatterStatus, MatterVersion
from catalog.selectors import version_in_force
from common import clock
from common.errors import DomainError

pytestmark = pytest.mark.django_db


def spec_of(code: str) -> services.GuideSpec:
    return services.GuideSpec.of(version_in_force(Matter.objects.get(code=code)))


def test_a_revision_is_a_new_version_from_its_date_and_the_old_one_stays(office):
    matter = Matter.objects.get(code="TQ012")
    today = clock.today()
    old = version_in_force(matter)
    spec = spec_of("TQ012")
    new_material = services.MaterialSpec(
        name="无房声明", requirement="required", form="original", source="申请人本人签署"
    )
    revised = dataclasses.replace(spec, materials=(*spec.materials, new_material), promised_days=0)
    version = services.matter_revise(
        actor=office,
        matter=matter,
        effective_from=today + timedelta(days=3),
        note="增加无房声明",
        guide=revised,
    )
    assert version.number == old.number + 1
    assert version_in_force(matter, today) == old  # not yet in force
    assert version_in_force(matter, today + timedelta(days=3)) == version
    assert MatterVersion.objects.get(pk=old.pk).materials.count() == old.materials.count()
    # the same material keeps its code across versions; a new one gets a new code
    old_codes = [m.code for m in old.materials.order_by("order")]
    new_codes = [m.code for m in version.materials.order_by("order")]
    assert new_codes[: len(old_codes)] == old_codes
    assert new_codes[-1] not in old_codes and new_codes[-1].startswith("TQ012-M")
    event = MatterEvent.objects.filter(matter=matter, kind="revised").get()
    assert event.version_number == version.number and event.actor == office
    assert AuditEvent.objects.filter(action="catalog.matter.revise", object_id=str(matter.pk)).exists()


def test_a_revision_effective_today_is_the_current_version_at_once(office):
    matter = Matter.objects.get(code="GJ005")
    spec = dataclasses.replace(spec_of("GJ005"), notes="汇缴可通过单位网上营业厅办理。")
    version = services.matter_revise(
        actor=office, matter=matter, effective_from=clock.today(), note="补充提示", guide=spec
    )
    assert version_in_force(matter) == version


@pytest.mark.parametrize(
    ("days", "note", "change", "message"),
    [
        (-1, "x", True, "施行日期不能早于今天"),
        (1, "", True, "请填写修订说明"),
        (1, "没有改动", False, "完全相同"),
    ],
)
def test_a_revision_is_refused_with_a_reason(office, days, note, change, message):
    matter = Matter.objects.get(code="GJ005")
    spec = spec_of("GJ005")
    if change:
        spec = dataclasses.replace(spec, notes="新提示")
    with pytest.raises(DomainError, match=message):
        services.matter_revise(
            actor=office,
            matter=matter,
            effective_from=clock.today() + timedelta(days=days),
            note=note,
            guide=spec,
        )
    assert MatterVersion.objects.filter(matter=matter).count() == 1


def test_a_revision_may_not_start_before_a_scheduled_version(office):
    matter = Matter.objects.get(code="GJ005")
    today = clock.today()
    services.matter_revise(
        actor=office,
        matter=matter,
        effective_from=today + timedelta(days=10),
        note="a",
        guide=dataclasses.replace(spec_of("GJ005"), notes="一"),
    )
    with pytest.raises(DomainError, match="不能早于最新版本"):
        services.matter_revise(
            actor=office,
            matter=matter,
            effective_from=today + timedelta(days=5),
            note="b",
            guide=dataclasses.replace(spec_of("GJ005"), notes="二"),
        )


def test_an_invalid_guide_lists_every_problem(office):
    spec = dataclasses.replace(
        spec_of("GJ005"),
        name="",
        promised_days=3,  # an immediate matter with a limit
        consultation_phone="12",
        materials=(services.MaterialSpec(name="证明", requirement="conditional", form="copy", source=""),),
    )
    with pytest.raises(services.InvalidGuide) as exc:
        services.matter_revise(
            actor=office,
            matter=Matter.objects.get(code="GJ005"),
            effective_from=clock.today(),
            note="x",
            guide=spec,
        )
    problems = " ".join(exc.value.problems)
    assert "“事项名称”不能为空" in problems
    assert "即办件的承诺时限应为0" in problems
    assert "咨询电话" in problems
    assert "请写明适用情形" in problems and "请写明材料来源" in problems


def test_a_new_matter_starts_with_its_first_version(office):
    spec = dataclasses.replace(spec_of("TQ012"), name="住房公积金提取 — 支付物业费")
    matter = services.matter_create(
        actor=office,
        code="tq099",
        category="withdrawal",
        service_object="personal",
        effective_from=clock.today(),
        guide=spec,
    )
    assert matter.code == "TQ099"
    assert version_in_force(matter).name == "住房公积金提取 — 支付物业费"
    with pytest.raises(services.InvalidGuide, match="已被使用"):
        services.matter_create(
            actor=office,
            code="TQ099",
            category="withdrawal",
            service_object="personal",
            effective_from=clock.today(),
            guide=spec,
        )


def test_a_matter_is_suspended_and_resumed_along_the_allowed_transitions(office):
    matter = Matter.objects.get(code="TQ021")
    services.matter_set_status(
        actor=office, matter=matter, status=MatterStatus.SUSPENDED, note="系统升级暂停"
    )
    services.matter_set_status(actor=office, matter=matter, status=MatterStatus.ACTIVE, note="恢复")
    with pytest.raises(DomainError, match="不能改为"):
        services.matter_set_status(actor=office, matter=matter, status=MatterStatus.ACTIVE, note="再次恢复")
    with pytest.raises(DomainError, match="请填写原因"):
        services.matter_set_status(actor=office, matter=matter, status=MatterStatus.WITHDRAWN, note=" ")
    kinds = list(
        MatterEvent.objects.filter(matter=matter, kind="status").values_list("from_status", "to_status")
    )
    assert kinds == [("active", "suspended"), ("suspended", "active")]
    assert AuditEvent.objects.filter(action="catalog.matter.status").count() == 2


def test_a_blank_form_uploaded_with_a_revision_is_kept_by_the_next_one(office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    matter = Matter.objects.get(code="TQ014")
    spec = spec_of("TQ014")
    form_row = next(i for i, m in enumerate(spec.materials) if m.provided_form)
    upload = SimpleUploadedFile("提取申请表.pdf", b"%PDF-1.4 blank form", content_type="application/pdf")
    materials = list(spec.materials)
    materials[form_row] = dataclasses.replace(materials[form_row], blank_form=upload)
    v2 = services.matter_revise(
        actor=office,
        matter=matter,
        effective_from=clock.today(),
        note="上传空白表格",
        guide=dataclasses.replace(spec, materials=tuple(materials)),
    )
    stored = v2.materials.get(order=form_row + 1).blank_form
    assert stored.name.endswith(".pdf") and stored.read() == b"%PDF-1.4 blank form"
    v3 = services.matter_revise(
        actor=office,
        matter=matter,
        effective_from=clock.today(),
        note="改提示",
        guide=dataclasses.replace(services.GuideSpec.of(v2), notes="新提示"),
    )
    assert v3.materials.get(order=form_row + 1).blank_form.name == stored.name


def test_a_form_file_of_another_kind_is_refused(office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    spec = spec_of("TQ014")
    bad = dataclasses.replace(spec.materials[0], sample=SimpleUploadedFile("x.exe", b"MZ"))
    with pytest.raises(services.InvalidGuide, match="填写样表应为 PDF、Word、Excel 或图片文件"):
        services.matter_revise(
            actor=office,
            matter=Matter.objects.get(code="TQ014"),
            effective_from=clock.today(),
            note="x",
            guide=dataclasses.replace(spec, materials=(bad, *spec.materials[1:])),
        )
