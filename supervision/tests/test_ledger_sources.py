"""The violations ledger is always current (issue 14): a valid complaint's fine
(002 篇4 一7, 000 §五(四)9) and a first-inquiry breach (003 §十) enter it in the
transaction of the decision that causes them and leave it (counter-entry) in the
transaction of the decision that withdraws them — through common.hooks, with no button
and no job in between. The month's totals are right at every moment."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.management import get_commands
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from audit.models import AuditEvent
from common import hooks
from common.errors import DomainError
from common.periods import Period
from supervision.models import EntryKind, Violation, ViolationSource, ViolationStatus
from supervision.selectors import ledger
from supervision.services import ViolationInput
from supervision.tests.conftest import badge, patrol, staff

MARCH = Period.month(2026, 3)


def _office(users) -> dict:
    return {"office": users["office1"]}


def _valid_complaint(users, day: str = "2026-03-02", determine_on: str = "2026-03-03"):
    """A general complaint against 胡晓明 (1101), determined on `determine_on`: 30元."""
    from complaints.tests import helpers

    c = helpers.register(_office(users), day=day)
    helpers.accept(_office(users), c, day)
    helpers.classify(_office(users), c, day)
    return helpers.determine(_office(users), c, determine_on)


def _revise_to_invalid(users, c) -> None:
    """The department disputes it and a leader's re-review finds it invalid (§11)."""
    from complaints import services as complaint_services

    complaint_services.complaint_appeal_file(
        actor=users["head1"], complaint=c, grounds="录像显示已一次性告知"
    )
    complaint_services.complaint_appeal_decide(
        actor=users["leader1"], complaint=c, upheld=False, decision="与事实不符", class_code="invalid"
    )


def _march_total(users) -> int:
    return ledger(users["office1"], period=MARCH).total_amount


def test_a_valid_complaints_fine_is_in_the_ledger_as_soon_as_responsibility_is_determined(users):
    from complaints.models import Fine

    _valid_complaint(users)
    fine = Fine.objects.get()
    line = Violation.objects.get(complaint_fine=fine)
    assert (line.kind, line.status, line.source) == (EntryKind.ENTRY, ViolationStatus.ACTIVE, "complaint")
    assert (line.amount_yuan, line.rules_ref, line.occurred_on) == (30, fine.rules_ref, date(2026, 3, 3))
    assert (line.offender_name, line.recorded_by) == ("胡晓明", users["office1"])
    assert line.item_text == f"有效投诉（投诉 {fine.complaint.no}，计数周期内第1次）"
    assert fine.complaint.subject not in line.item_text  # never the complainant's words
    assert AuditEvent.objects.filter(action="supervision.violation.record", object_id=str(line.pk)).exists()


def test_a_decision_rolled_back_leaves_no_line_in_the_ledger(users):
    from complaints.models import Fine
    from complaints.tests import helpers

    c = helpers.register(_office(users), day="2026-03-02")
    helpers.accept(_office(users), c, "2026-03-02")
    helpers.classify(_office(users), c, "2026-03-02")

    def decide_then_fail() -> None:
        with transaction.atomic():
            helpers.determine(_office(users), c, "2026-03-03")
            assert Violation.objects.filter(source=ViolationSource.COMPLAINT).count() == 1  # same transaction
            raise RuntimeError("the decision fails after the fine")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert not Fine.objects.exists()
    assert not Violation.objects.exists()


def test_a_ledger_that_cannot_take_the_line_refuses_the_decision_too(users, monkeypatch):
    from complaints.models import Complaint, Fine

    def broken(**_):
        raise DomainError("台账暂不可用")

    monkeypatch.setattr("supervision.services.sources.complaint_fine_recorded", broken)
    with pytest.raises(DomainError, match="台账暂不可用"):
        _valid_complaint(users)
    assert not Fine.objects.exists()
    assert Complaint.objects.get().status == "classified"  # the determination rolled back with it


def test_the_months_totals_are_right_at_every_moment(users):
    guard = ViolationInput(item_code="10", offender_name="保安王某")
    patrol(users, "2026-03-02", badge(item="2.1"), badge("1107", item="2.1"), badge(), badge(item="3"), guard)
    assert _march_total(users) == 85
    c = _valid_complaint(users)
    assert _march_total(users) == 115  # no button pressed
    assert ledger(users["teller1"], period=MARCH).total_amount == 30  # 胡晓明's own line
    _revise_to_invalid(users, c)
    assert _march_total(users) == 85
    assert ledger(users["teller1"], period=MARCH).total_amount == 0


def test_a_withdrawn_fine_reverses_its_line_in_the_withdrawals_transaction(users):
    from complaints.models import Fine, PenaltyStatus

    c = _valid_complaint(users)
    line = Violation.objects.get(source=ViolationSource.COMPLAINT)
    _revise_to_invalid(users, c)  # decided by a leader, not by the office
    assert Fine.objects.get().status == PenaltyStatus.WITHDRAWN
    line.refresh_from_db()
    counter = line.reversal
    assert line.status == ViolationStatus.REVERSED
    assert (counter.kind, counter.amount_yuan, counter.recorded_by) == ("reversal", -30, users["leader1"])
    assert counter.reason.startswith("投诉处罚已撤销：机关党委重新审议：与事实不符")
    assert Violation.objects.active().count() == 0


def test_a_fine_moved_to_another_person_moves_in_the_ledger(users):
    from complaints import services as complaint_services

    c = _valid_complaint(users)
    complaint_services.complaint_appeal_file(actor=users["head1"], complaint=c, grounds="经办人不是胡晓明")
    complaint_services.complaint_appeal_decide(
        actor=users["leader1"], complaint=c, upheld=False, decision="责任人改为何平", staff=[staff("1103")]
    )
    active = Violation.objects.active()
    assert [(v.offender_name, v.amount_yuan) for v in active] == [("何平", 30)]
    assert _march_total(users) == 30


def test_a_breach_enters_the_ledger_when_recorded_and_leaves_it_when_withdrawn(users):
    from inquiries.services import breach_record, breach_withdraw

    breach = breach_record(
        actor=users["office1"],
        staff=staff("1102"),
        source="other",
        occurred_on=date(2026, 3, 4),
        found_on=date(2026, 3, 5),
        description="未登记转交即让办事职工自行前往",
    )
    line = Violation.objects.get(breach=breach)
    assert (line.source, line.amount_yuan, line.consequences) == ("breach", None, breach.consequences)
    assert line.item_text == "违反首问负责制（计数周期内第1次）：未登记转交即让办事职工自行前往"
    assert line.occurred_on == date(2026, 3, 5)
    breach_withdraw(actor=users["leader1"], breach=breach, reason="复查后不成立")
    line.refresh_from_db()
    assert line.status == ViolationStatus.REVERSED
    assert line.reversal.reason == "违反首问负责制记录已撤销：复查后不成立"
    assert Violation.objects.active().count() == 0


def test_a_breach_found_from_a_complaint_names_the_complaint_not_its_words(users):
    from complaints import services as complaint_services
    from inquiries.models import Breach

    c = _valid_complaint(users)
    complaint_services.complaint_sanction(
        actor=users["office1"],
        complaint=c,
        staff=staff("1101"),
        code="criticism",
        also_first_inquiry_breach=True,
    )
    breach = Breach.objects.get()
    assert breach.description == f"投诉 {c.no} 经查实违反首问负责制"
    line = Violation.objects.get(breach=breach)
    assert line.item_text == f"违反首问负责制（计数周期内第1次）：投诉 {c.no} 查实"
    assert c.subject not in line.item_text


def test_a_retried_decision_or_a_repeated_hook_adds_no_second_line(users):
    from complaints.models import Fine
    from complaints.tests import helpers

    c = _valid_complaint(users)
    fine = Fine.objects.get()
    with pytest.raises(DomainError):  # the same determination again: refused, nothing added
        helpers.determine(_office(users), c, "2026-03-04")
    hooks.fire("complaint_fine_recorded", fine=fine, actor=users["office1"], at=None)
    assert Violation.objects.filter(complaint_fine=fine).count() == 1
    _revise_to_invalid(users, c)
    fine.refresh_from_db()
    hooks.fire("complaint_fine_withdrawn", fine=fine, actor=users["leader1"], reason="again", at=None)
    hooks.fire("complaint_fine_recorded", fine=fine, actor=users["office1"], at=None)  # withdrawn: ignored
    assert Violation.objects.filter(complaint_fine=fine, kind="entry").count() == 1
    assert Violation.objects.filter(complaint_fine=fine, kind="reversal").count() == 1


def test_the_ledger_is_completed_once_by_the_migration(users, monkeypatch):
    """Fines and breaches decided before the hooks (the button not pressed) are carried
    over by supervision/0008, withdrawn ones reversed, a second run adds nothing."""
    import importlib

    from django.apps import apps

    from inquiries.services import breach_record

    monkeypatch.setitem(hooks._receivers, "complaint_fine_recorded", [])
    monkeypatch.setitem(hooks._receivers, "breach_recorded", [])
    monkeypatch.setitem(hooks._receivers, "complaint_fine_withdrawn", [])
    _valid_complaint(users)
    breach_record(
        actor=users["office1"],
        staff=staff("1102"),
        source="other",
        occurred_on=date(2026, 3, 4),
        found_on=date(2026, 3, 5),
        description="未登记转交",
    )
    old = _valid_complaint(users, day="2026-03-09", determine_on="2026-03-10")
    monkeypatch.setitem(
        hooks._receivers, "complaint_fine_recorded", ["supervision.services.sources:complaint_fine_recorded"]
    )
    assert not Violation.objects.exists()
    migration = importlib.import_module("supervision.migrations.0008_ledger_complete_from_sources")
    editor = SimpleNamespace(connection=SimpleNamespace(alias="default"))
    migration.forward(apps, editor)
    assert Violation.objects.filter(source="complaint").count() == 2
    assert Violation.objects.filter(source="breach").count() == 1
    assert _march_total(users) == 60
    assert AuditEvent.objects.filter(action="supervision.violation.backfill").count() == 1
    _revise_to_invalid(users, old)  # withdrawn with the hook still off: the line stays active
    assert _march_total(users) == 60
    migration.forward(apps, editor)
    assert _march_total(users) == 30
    assert Violation.objects.filter(kind="reversal").count() == 1
    migration.forward(apps, editor)  # nothing left to do
    assert Violation.objects.count() == 4
    assert AuditEvent.objects.filter(action="supervision.violation.backfill").count() == 2


def test_the_sync_button_its_url_and_its_command_are_gone(users, client):
    client.force_login(users["office1"])
    page = client.get(reverse("violation_ledger"))
    assert page.status_code == 200
    assert "同步投诉与首问记录" not in page.content.decode()
    with pytest.raises(NoReverseMatch):
        reverse("violation_sync")
    assert "supervision_sync" not in get_commands()
