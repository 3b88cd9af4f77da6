"""Inspections (000 §五(五)4(2)): the sheet per window and person, deductions by the
checklist, the leader's positive/negative list, a surprise inspection pointed out on the
spot and published, findings against a person entered in the violations ledger, photos
checked for type and size, voiding."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from audit.models import AuditEvent
from common import clock
from common.errors import DomainError
from supervision import services
from supervision.models import InspectionStatus, Upload, Violation
from supervision.services import FindingInput as F
from supervision.tests.conftest import at, staff, window


def png(name: str = "现场.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def record(users, kind="daily", findings=(), who="1103", win=("HD01", 3), actor="inspector1", **kw):
    return services.inspection_record(
        actor=users[actor],
        kind=kind,
        window=window(*win),
        staff=staff(who) if who else None,
        findings=list(findings),
        inspected_at=kw.pop("inspected_at", at("2026-03-10")),
        **kw,
    )


def test_the_sheet_is_full_marks_less_the_items_found(users):
    i = record(users, findings=[F("S04", "未佩戴"), F("E01"), F("B03")])
    assert (i.full_marks, i.sheet_score) == (100, 100 - 3 - 1 - 2)
    assert i.rules_ref == "handan-2021-window-score@1"
    assert i.no.startswith("JC2026-")
    assert {f.code: f.deduction for f in i.findings.all()} == {"S04": 3, "E01": 1, "B03": 2}
    assert AuditEvent.objects.filter(action="supervision.inspection.record", object_id=str(i.pk)).exists()


def test_findings_against_the_person_that_break_a_penalty_item_enter_the_ledger(users):
    i = record(users, findings=[F("S04"), F("D05", "看视频"), F("E05")])
    lines = {v.item_code: v for v in Violation.objects.all()}
    assert set(lines) == {"2.2", "8"}  # E05 is the hall's, B-items have no penalty item
    assert lines["2.2"].source == "inspection" and lines["2.2"].amount_yuan == 10
    assert lines["2.2"].finding.inspection == i
    assert lines["8"].note.startswith("日常检查")


def test_window_items_are_not_put_on_the_person(users):
    i = record(users, findings=[F("E09")])
    f = i.findings.get()
    assert (f.staff, f.fine_item, f.appraisal_item) == (None, "", "")


def test_a_staff_item_needs_the_person_at_the_window(users):
    with pytest.raises(DomainError, match="窗口工作人员"):
        record(users, findings=[F("S04")], who=None)
    record(users, findings=[F("E05")], who=None)


def test_an_item_is_recorded_once_and_must_suit_the_type(users):
    with pytest.raises(DomainError, match="只能记一次"):
        record(users, findings=[F("S04"), F("S04")])
    with pytest.raises(DomainError, match="不适用"):
        record(users, findings=[F("P01")])  # the positive list is the leader's
    with pytest.raises(DomainError, match="不存在"):
        record(users, findings=[F("Z99")])


def test_a_surprise_inspection_must_be_pointed_out_on_the_spot_and_is_published(users):
    with pytest.raises(DomainError, match="当场指出"):
        record(users, kind="surprise", findings=[F("S04")])
    i = record(users, kind="surprise", findings=[F("S04")], pointed_out=True, pointed_out_note="已向何平指出")
    services.inspection_publish(
        actor=users["office1"], inspection=i, text="3号窗口何平未佩戴工作牌，通报批评。"
    )
    i.refresh_from_db()
    assert i.status == InspectionStatus.PUBLISHED and i.published_note.startswith("3号窗口")
    with pytest.raises(DomainError):
        services.inspection_publish(actor=users["office1"], inspection=i, text="再次通报")


def test_the_leader_scores_by_the_positive_and_negative_list(users):
    with pytest.raises(DomainError, match="上级领导检查只能由中心领导"):
        record(users, kind="leader")
    with pytest.raises(DomainError, match="日常检查只能由"):
        record(users, kind="daily", actor="leader1")
    i = record(users, kind="leader", actor="leader1", findings=[F("P05", "未引导老人"), F("S10")])
    assert i.sheet_score == 100 - 5 - 10
    assert {f.polarity for f in i.findings.all()} == {"positive", "negative"}


def test_only_inspectors_and_the_office_record_daily_inspections(users):
    with pytest.raises(DomainError):
        record(users, actor="teller1")
    with pytest.raises(DomainError):
        record(users, actor="head1")


def test_photos_are_stored_under_random_names_with_type_content_and_size_checked(users, settings):
    i = record(users, findings=[F("S04")], photos=[png()])
    photo = Upload.objects.get()
    assert photo.owner_id == i.pk and photo.content_type == "image/png" and photo.name == "现场.png"
    assert "现场" not in photo.file.name
    with pytest.raises(DomainError, match="类型不支持"):
        record(users, photos=[SimpleUploadedFile("a.exe", b"MZ...")])
    with pytest.raises(DomainError, match="内容与扩展名不符"):
        record(users, photos=[SimpleUploadedFile("fake.jpg", b"not a jpeg")])
    settings.SUPERVISION_UPLOAD_MAX_BYTES = 10
    with pytest.raises(DomainError, match="超过"):
        record(users, photos=[png()])
    assert Upload.objects.count() == 1  # the refused ones rolled back with their inspection


def test_the_inspector_may_add_photos_later_others_may_not(users):
    i = record(users)
    services.inspection_attach(actor=users["inspector1"], inspection=i, files=[png("补拍.png")])
    with pytest.raises(DomainError, match="检查人或业务管理处"):
        services.inspection_attach(actor=users["leader1"], inspection=i, files=[png()])
    assert Upload.objects.filter(owner_id=i.pk).count() == 1


def test_voiding_reverses_the_ledger_lines_and_stops_counting(users):
    i = record(users, findings=[F("S04")])
    with pytest.raises(DomainError, match="业务管理处"):
        services.inspection_void(actor=users["inspector1"], inspection=i, reason="错了")
    services.inspection_void(actor=users["office1"], inspection=i, reason="窗口号登记错误")
    i.refresh_from_db()
    assert (i.status, i.is_counted) == (InspectionStatus.VOIDED, False)
    assert Violation.objects.active().count() == 0
    assert Violation.objects.get(kind="reversal").reason.startswith(f"检查{i.no}已作废")
    with pytest.raises(DomainError):
        services.inspection_attach(actor=users["inspector1"], inspection=i, files=[png()])


def test_an_inspection_in_the_future_or_of_an_inactive_person_is_refused(users):

    with pytest.raises(DomainError, match="晚于现在"):
        record(users, inspected_at=clock.now() + timedelta(days=1))
    s = staff("1103")
    s.is_active = False
    s.save(update_fields=["is_active"])
    with pytest.raises(DomainError, match="不在岗"):
        record(users)
