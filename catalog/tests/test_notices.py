"""One-time notices (000 §五(三)): what is recorded, the same-visit rule, the breach of
the one-time rule, signatures and the notice's life."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta
from itertools import count

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from catalog import services
from catalog.models import ItemStatus, Matter, NoticeSequence, NoticeStatus, OneTimeNotice, OneTimeNoticeEvent
from catalog.selectors import version_in_force
from catalog.tests.conftest import CITIZEN_ID, OTHER_ID, at, signature_png, valid_id
from catalog.tests.helpers import issue, materials_of, statuses
from common import clock
from common.errors import DomainError

pytestmark = pytest.mark.django_db

TWO_MISSING = ("购房合同", "购房发票或契税完税凭证")
NOT_MARRIED = (
    "不动产权证书（或房屋所有权证）",
    "结婚证或婚姻状况证明",
    "配偶有效身份证件",
    "代办人有效身份证件及经公证的授权委托书",
)


def test_a_teller_issues_a_notice_for_a_citizen_missing_two_materials(teller, branch):
    notice = issue(
        teller, branch, missing=TWO_MISSING, not_applicable=NOT_MARRIED, now=at(2026, 3, 16, 9, 42)
    )
    assert notice.number == "HD01-20260316-0001"
    assert notice.status == NoticeStatus.ISSUED
    assert notice.version == version_in_force(Matter.objects.get(code="TQ001"))
    assert notice.business_date.isoformat() == "2026-03-16"
    items = {i.material.name: i.status for i in notice.items.select_related("material")}
    assert len(items) == len(materials_of("TQ001"))  # every material of the version has a row
    assert [n for n, s in items.items() if s == ItemStatus.MISSING] == list(TWO_MISSING)
    assert items["申请人有效身份证件"] == ItemStatus.BROUGHT
    assert items["结婚证或婚姻状况证明"] == ItemStatus.NOT_APPLICABLE
    assert not notice.breach
    event = OneTimeNoticeEvent.objects.get(notice=notice)
    assert (event.from_status, event.to_status, event.actor) == ("", NoticeStatus.ISSUED, teller)
    audit = AuditEvent.objects.get(action="catalog.notice.issue", object_id=str(notice.pk))
    assert audit.changes["missing"] == [m.code for m in materials_of("TQ001") if m.name in TWO_MISSING]


def test_numbers_are_consecutive_per_branch_and_day(teller, branch, other_branch, make_user):
    other_teller = make_user("teller", branch=other_branch)
    day = at(2026, 3, 16)
    a = issue(teller, branch, missing=TWO_MISSING, now=day)
    b = issue(
        teller,
        branch,
        citizen=services.Citizen(name="王芳", id_number=OTHER_ID),
        missing=TWO_MISSING,
        now=day,
    )
    c = issue(
        other_teller,
        other_branch,
        citizen=services.Citizen(name="张三", id_number=valid_id("13040419850505003")),
        missing=TWO_MISSING,
        now=day + timedelta(hours=1),
    )
    d = issue(teller, branch, missing=TWO_MISSING, now=day + timedelta(days=1))
    assert [a.number, b.number, c.number, d.number] == [
        "HD01-20260316-0001",
        "HD01-20260316-0002",
        "WA01-20260316-0001",
        "HD01-20260317-0001",
    ]
    assert NoticeSequence.objects.get(branch=branch, day=day.date()).last == 2


def test_another_branch_the_same_day_is_another_visit(teller, branch, other_branch, make_user):
    issue(teller, branch, missing=("购房合同",), now=at(2026, 3, 16, 9))
    there = issue(
        make_user("teller", branch=other_branch), other_branch, missing=TWO_MISSING, now=at(2026, 3, 16, 15)
    )
    assert there.number.startswith("WA01-") and there.breach


def test_a_second_notice_for_the_same_visit_is_refused(teller, branch):
    first = issue(teller, branch, missing=TWO_MISSING, now=at(2026, 3, 16, 9))
    with pytest.raises(DomainError, match="一次来访只出具一份清单") as exc:
        issue(teller, branch, missing=("购房合同",), now=at(2026, 3, 16, 15))
    assert exc.value.status == 409 and exc.value.extra["number"] == first.number
    assert OneTimeNotice.objects.count() == 1


def test_a_voided_notice_does_not_block_a_new_one_the_same_day(teller, branch, head):
    first = issue(teller, branch, missing=TWO_MISSING, now=at(2026, 3, 16, 9))
    services.notice_void(actor=head, notice=first, reason="选错事项")
    second = issue(teller, branch, missing=TWO_MISSING, now=at(2026, 3, 16, 10))
    assert second.number.endswith("-0002")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"citizen": services.Citizen(name="李明")}, "须填写办事职工的身份证号码"),
        ({"citizen": services.Citizen(name="李明", id_number="130402198807150021")}, "校验位不正确"),
        ({"citizen": services.Citizen(name="", id_number=CITIZEN_ID)}, "请填写办事职工姓名"),
        ({"citizen": services.Citizen(name="李明", id_number=CITIZEN_ID, phone="123")}, "电话号码格式不正确"),
    ],
)
def test_the_citizen_is_validated(teller, branch, kwargs, message):
    with pytest.raises(DomainError, match=message):
        issue(teller, branch, missing=TWO_MISSING, **kwargs)


def test_a_required_material_cannot_be_marked_not_applicable(teller, branch):
    with pytest.raises(DomainError, match="必须提交的材料，不能记为不适用"):
        issue(teller, branch, missing=("购房发票或契税完税凭证",), not_applicable=("购房合同",))


def test_no_notice_when_nothing_is_missing(teller, branch):
    with pytest.raises(DomainError, match="材料已经齐全"):
        issue(teller, branch)


def test_the_items_must_cover_the_current_version(teller, branch):
    marks = statuses("TQ001", missing=TWO_MISSING)
    marks.pop(next(iter(marks)))
    with pytest.raises(DomainError, match="请刷新页面") as exc:
        services.notice_issue(
            actor=teller,
            branch=branch,
            matter=Matter.objects.get(code="TQ001"),
            channel="counter",
            citizen=services.Citizen(name="李明", id_number=CITIZEN_ID),
            statuses=marks,
        )
    assert exc.value.code == "stale_materials"


def test_a_matter_without_materials_needs_no_notice(teller, branch):
    with pytest.raises(DomainError, match="无需申请人提交材料"):
        services.notice_issue(
            actor=teller,
            branch=branch,
            matter=Matter.objects.get(code="DK003"),
            channel="counter",
            citizen=services.Citizen(name="李明", id_number=CITIZEN_ID),
            statuses={},
        )


def test_a_suspended_matter_gets_no_notice(teller, branch, office):
    services.matter_set_status(
        actor=office, matter=Matter.objects.get(code="TQ001"), status="suspended", note="升级"
    )
    with pytest.raises(DomainError, match="暂停办理"):
        issue(teller, branch, missing=TWO_MISSING)


def test_a_phone_consultation_is_an_oral_notice_identified_by_phone(teller, branch):
    """000 §五(三)3: 电话咨询 … 告知形式为口头告知，并做好一次性告知的记录。"""
    notice = issue(
        teller,
        branch,
        channel="phone",
        citizen=services.Citizen(name="王女士", phone="13903101122"),
        default=ItemStatus.MISSING,
        not_applicable=NOT_MARRIED,
    )
    assert notice.status == NoticeStatus.RECORDED
    assert notice.citizen_id_number == "" and notice.citizen_phone == "13903101122"
    assert notice.items.filter(status=ItemStatus.MISSING).count() == len(materials_of("TQ001")) - len(
        NOT_MARRIED
    )


def test_nothing_is_brought_on_the_phone(teller, branch):
    with pytest.raises(DomainError, match="电话咨询时办事职工没有提交材料"):
        issue(
            teller,
            branch,
            channel="phone",
            citizen=services.Citizen(name="王女士", phone="13903101122"),
            missing=TWO_MISSING,
        )


# --- The one-time rule -------------------------------------------------------------------


def test_a_later_notice_adding_a_material_the_first_version_required_is_a_breach(teller, branch):
    first = issue(teller, branch, missing=("购房合同",), not_applicable=NOT_MARRIED, now=at(2026, 3, 16))
    later = issue(teller, branch, missing=TWO_MISSING, not_applicable=NOT_MARRIED, now=at(2026, 3, 18))
    assert later.breach and later.breach_of == first
    flagged = list(later.items.filter(breach=True).values_list("material__name", flat=True))
    assert flagged == ["购房发票或契税完税凭证"]
    reason = later.items.get(breach=True).breach_reason
    assert first.number in reason and "首次告知时记为“已提交”" in reason
    assert "购房发票或契税完税凭证" in later.breach_note
    audit = AuditEvent.objects.get(action="catalog.notice.issue", object_id=str(later.pk))
    assert "违反一次性告知" in audit.summary and audit.changes["breach_of"] == first.number


def test_repeating_what_was_already_told_is_not_a_breach(teller, branch):
    issue(teller, branch, missing=TWO_MISSING, now=at(2026, 3, 16))
    later = issue(teller, branch, missing=("购房发票或契税完税凭证",), now=at(2026, 3, 18))
    assert not later.breach and later.breach_of is None


def test_a_material_added_by_a_later_version_is_not_a_breach(teller, branch, office):
    matter = Matter.objects.get(code="TQ001")
    issue(teller, branch, missing=("购房合同",), now=at(2026, 3, 16))
    spec = services.GuideSpec.of(version_in_force(matter))
    added = services.MaterialSpec(
        name="购房首付款凭证", requirement="required", form="original_and_copy", source="售房单位"
    )
    services.matter_revise(
        actor=office,
        matter=matter,
        effective_from=clock.today(),
        note="增加首付款凭证",
        guide=dataclasses.replace(spec, materials=(*spec.materials, added)),
    )
    later = issue(teller, branch, missing=("购房合同", "购房首付款凭证"), now=clock.now())
    assert not later.breach


def test_a_conditional_material_first_marked_not_applicable_is_a_breach_when_required_later(teller, branch):
    issue(teller, branch, missing=("购房合同",), not_applicable=NOT_MARRIED, now=at(2026, 3, 16))
    later = issue(teller, branch, missing=("购房合同", "结婚证或婚姻状况证明"), now=at(2026, 3, 18))
    item = later.items.get(breach=True)
    assert item.material.name == "结婚证或婚姻状况证明" and "记为“不适用”" in item.breach_reason


def test_a_phone_notice_and_a_later_counter_notice_are_matched_by_phone(teller, branch):
    first = issue(
        teller,
        branch,
        channel="phone",
        citizen=services.Citizen(name="李明", phone="13831001234"),
        default=ItemStatus.MISSING,
        not_applicable=NOT_MARRIED,
        now=at(2026, 3, 16),
    )
    later = issue(teller, branch, missing=("结婚证或婚姻状况证明",), now=at(2026, 3, 18))
    assert later.breach and later.breach_of == first


def test_another_citizen_or_another_matter_is_never_compared(teller, branch):
    issue(teller, branch, missing=("购房合同",), now=at(2026, 3, 16))
    other = issue(
        teller,
        branch,
        citizen=services.Citizen(name="王芳", id_number=OTHER_ID),
        missing=TWO_MISSING,
        now=at(2026, 3, 18),
    )
    assert not other.breach
    rent = issue(teller, branch, "TQ004", missing=("建房费用发票或施工合同及付款凭证",), now=at(2026, 3, 18))
    assert not rent.breach


def test_a_voided_first_notice_is_not_the_first(teller, branch, head):
    first = issue(teller, branch, missing=("购房合同",), now=at(2026, 3, 16))
    services.notice_void(actor=head, notice=first, reason="选错事项")
    later = issue(teller, branch, missing=TWO_MISSING, now=at(2026, 3, 18))
    assert not later.breach


_citizens = count(1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.lists(st.sampled_from(["brought", "missing"]), min_size=5, max_size=5),
    later=st.lists(st.sampled_from(["brought", "missing"]), min_size=5, max_size=5),
)
def test_breach_items_are_exactly_the_materials_added_since_the_first_notice(teller, branch, first, later):
    """Property: with one version, the flagged items are the missing ones of the later
    notice that the first notice did not list as missing."""
    if "missing" not in first or "missing" not in later:
        return
    n = next(_citizens)
    citizen = services.Citizen(name="测试", id_number=valid_id(f"13040219900101{n:03d}"))
    materials = materials_of("TQ001")[:5]
    rest = {m.pk: ItemStatus.BROUGHT for m in materials_of("TQ001")[5:]}

    def notice(marks, when):
        return services.notice_issue(
            actor=teller,
            branch=branch,
            matter=Matter.objects.get(code="TQ001"),
            channel="counter",
            citizen=citizen,
            statuses={**rest, **{m.pk: s for m, s in zip(materials, marks, strict=True)}},
            now=when,
        )

    notice(first, at(2026, 3, 16))
    result = notice(later, at(2026, 3, 18))
    expected = {
        m.name for m, a, b in zip(materials, first, later, strict=True) if b == "missing" and a != "missing"
    }
    assert set(result.items.filter(breach=True).values_list("material__name", flat=True)) == expected
    assert result.breach == bool(expected)


# --- Signatures and the notice's life ---------------------------------------------------


def test_the_citizen_signs_on_the_counter_tablet(teller, branch):
    notice = issue(teller, branch, missing=TWO_MISSING)
    services.notice_sign_on_pad(actor=teller, notice=notice, png=signature_png())
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SIGNED and notice.signature_method == "pad"
    assert notice.signature_file.name.endswith(".png") and notice.signed_at is not None
    with notice.signature_file.open("rb") as f:
        assert f.read() == signature_png()
    assert list(notice.events.values_list("to_status", flat=True)) == ["issued", "signed"]


@pytest.mark.parametrize(
    ("png", "message"), [(signature_png(blank=True), "签名为空"), (b"not a png", "无法识别")]
)
def test_an_empty_or_broken_signature_is_refused(teller, branch, png, message):
    notice = issue(teller, branch, missing=TWO_MISSING)
    with pytest.raises(DomainError, match=message):
        services.notice_sign_on_pad(actor=teller, notice=notice, png=png)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED


def test_a_paper_signature_is_recorded_with_its_scan(teller, branch):
    notice = issue(teller, branch, missing=TWO_MISSING)
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%scan\n", content_type="application/pdf")
    services.notice_sign_on_paper(actor=teller, notice=notice, scan=scan)
    notice.refresh_from_db()
    assert notice.signature_method == "paper" and notice.signature_file.name.endswith(".pdf")


def test_a_scan_that_is_neither_pdf_nor_image_is_refused(teller, branch):
    notice = issue(teller, branch, missing=TWO_MISSING)
    with pytest.raises(DomainError, match="PDF、JPG 或 PNG"):
        services.notice_sign_on_paper(actor=teller, notice=notice, scan=SimpleUploadedFile("x.txt", b"hello"))


def test_a_refused_signature_can_still_be_signed_later(teller, branch):
    notice = issue(teller, branch, missing=TWO_MISSING)
    with pytest.raises(DomainError, match="请注明"):
        services.notice_refuse_signature(actor=teller, notice=notice, note="")
    services.notice_refuse_signature(actor=teller, notice=notice, note="办事职工表示已知晓，拒绝签名")
    services.notice_sign_on_pad(actor=teller, notice=notice, png=signature_png())
    assert list(notice.events.values_list("to_status", flat=True)) == ["issued", "refused", "signed"]


def test_a_phone_notice_needs_no_signature_and_a_voided_notice_no_more_changes(teller, branch, head):
    phone = issue(
        teller,
        branch,
        channel="phone",
        citizen=services.Citizen(name="王女士", phone="13903101122"),
        default=ItemStatus.MISSING,
        not_applicable=NOT_MARRIED,
    )
    with pytest.raises(DomainError, match="无需签名"):
        services.notice_sign_on_pad(actor=teller, notice=phone, png=signature_png())
    services.notice_void(actor=head, notice=phone, reason="重复登记")
    with pytest.raises(DomainError, match="不能作废"):
        services.notice_void(actor=head, notice=phone, reason="再次")
    assert AuditEvent.objects.filter(action="catalog.notice.voided", object_id=str(phone.pk)).exists()


def test_the_scan_image_types_are_accepted(teller, branch):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(buf, format="JPEG")
    notice = issue(teller, branch, missing=TWO_MISSING)
    services.notice_sign_on_paper(
        actor=teller, notice=notice, scan=SimpleUploadedFile("s.jpg", buf.getvalue())
    )
    notice.refresh_from_db()
    assert notice.signature_file.name.endswith(".jpg")
