"""The reminders on the case worklist are current and never duplicated (issue 14.9): the
daily sweep writes one row per case, person, kind and day, so an unread reminder of
yesterday and today's are one line; a reminder whose condition has ended (the case
decided, delivered, explained, answered) is not shown; its text is today's; and reading
it reads the earlier days' rows of the same case and kind too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import services
from cases.models import Reminder, ReminderKind
from cases.selectors import reminders_for
from cases.tests.conftest import at
from org.models import Department

pytestmark = pytest.mark.django_db


def _sweep(clock, *when):
    clock.set(*when)
    services.cases_sweep(now=clock())


def _shown(user, clock):
    return [(r.kind, r.display_text) for r in reminders_for(user, today=clock().date())]


@pytest.fixture
def due_13_october(register):
    return register("DK015", when=at(2026, 9, 30))  # deadline Tue 13 Oct 2026


def test_a_reminder_written_on_two_days_is_shown_once_with_todays_words(users, clock, due_13_october):
    _sweep(clock, 2026, 10, 12, 7)
    _sweep(clock, 2026, 10, 13, 7)
    assert Reminder.objects.filter(kind=ReminderKind.DUE_SOON).count() == 2
    shown = _shown(users["teller1"], clock)
    assert len(shown) == 1 and "将于今天到期" in shown[0][1]


def test_the_text_is_todays_even_before_the_sweep_has_run(users, clock, due_13_october):
    _sweep(clock, 2026, 10, 12, 7)
    clock.set(2026, 10, 13, 7)  # the sweep of the 13th has not run yet
    (shown,) = _shown(users["teller1"], clock)
    assert "将于今天到期" in shown[1] and "10月13日" not in shown[1]


@pytest.mark.parametrize(
    ("step", "shown"),
    [
        ("nothing", True),
        ("complete", False),  # decided: nothing to remind of
        ("withdraw", False),
        ("extension", False),  # an approved extension moves the deadline out of the due-soon days
    ],
)
def test_a_due_soon_reminder_ends_with_its_condition(users, clock, due_13_october, step, shown):
    case = due_13_october
    _sweep(clock, 2026, 10, 12, 7)
    clock.set(2026, 10, 12, 10)
    if step == "complete":
        services.case_complete(
            actor=users["teller1"],
            case=case,
            outcome="approved",
            result="准予办理",
            notify_method="in_person",
        )
    elif step == "withdraw":
        services.case_withdraw(actor=users["teller1"], case=case, reason="申请人书面申请撤回")
    elif step == "extension":
        ext = services.case_extension_request(
            actor=users["teller1"],
            case=case,
            reason="需要向不动产登记中心核实房产信息",
            requested_deadline=at(2026, 10, 30).date(),
            explained_to_applicant=True,
        )
        services.case_extension_head_opinion(actor=users["head1"], extension=ext, agree=True, opinion="同意")
        services.case_extension_leader_decision(
            actor=users["leader1"], extension=ext, approve=True, opinion="同意"
        )
    assert bool(_shown(users["teller1"], clock)) is shown


def test_a_due_soon_reminder_gives_way_to_the_overdue_one(users, clock, due_13_october):
    _sweep(clock, 2026, 10, 13, 7)
    _sweep(clock, 2026, 10, 14, 7)
    shown = _shown(users["teller1"], clock)
    assert [kind for kind, _ in shown] == [ReminderKind.OVERDUE]


def test_an_overdue_reminder_lasts_until_the_result_is_delivered(users, clock, due_13_october):
    case = due_13_october
    _sweep(clock, 2026, 10, 14, 7)
    clock.set(2026, 10, 14, 10)
    services.case_complete(
        actor=users["teller1"], case=case, outcome="approved", result="准予办理", notify_method="in_person"
    )
    assert [k for k, _ in _shown(users["teller1"], clock)] == [ReminderKind.OVERDUE]
    services.case_deliver(actor=users["teller1"], case=case, method="pickup", note="本人领取")
    assert _shown(users["teller1"], clock) == []
    assert _shown(users["head1"], clock) == []


def test_an_explanation_reminder_ends_when_the_explanation_is_given(users, register, clock):
    case = register("GJ019", when=at(2026, 9, 28))
    clock.set(2026, 9, 30, 15)
    services.case_escalate(actor=users["teller1"], case=case, authority="住房公积金管理委员会")
    _sweep(clock, 2026, 10, 16, 7)
    _sweep(clock, 2026, 10, 19, 7)
    assert Reminder.objects.filter(kind=ReminderKind.EXPLAIN).count() == 2
    assert [k for k, _ in _shown(users["teller1"], clock)] == [ReminderKind.EXPLAIN]
    clock.set(2026, 10, 19, 10)
    services.case_escalation_explain(
        actor=users["teller1"], case=case, explanation="管委会会议推迟召开，已电话催办"
    )
    assert _shown(users["teller1"], clock) == []


def test_a_handover_reminder_says_when_it_is_late_and_ends_with_the_answer(users, register, clock, make_user):
    gj = Department.objects.get(code="GJ")
    head = make_user("head", department=gj)
    case = register("DK016", when=at(2026, 9, 28))
    clock.set(2026, 9, 30, 9)
    (handover,) = services.case_handover_register(
        actor=users["teller1"], case=case, departments=[gj], limit_days=2
    )
    _sweep(clock, 2026, 10, 8, 7)  # due today
    assert "今天到期" in _shown(head, clock)[0][1]
    clock.set(2026, 10, 9, 7)  # not swept yet: yesterday's row, today's words
    (shown,) = _shown(head, clock)
    assert "已超过反馈期限" in shown[1] and "今天到期" not in shown[1]
    clock.set(2026, 10, 9, 9)
    services.case_handover_answer(actor=head, handover=handover, opinion="同意，已核实缴存记录")
    assert _shown(head, clock) == []


def test_reading_a_reminder_reads_its_earlier_days_too(client, users, clock, due_13_october):
    _sweep(clock, 2026, 10, 12, 7)
    _sweep(clock, 2026, 10, 13, 7)
    client.force_login(users["teller1"])
    page = client.get(reverse("case_worklist")).content.decode()
    assert page.count('id="reminder-') == 1 and "将于今天到期" in page
    latest = Reminder.objects.latest("created_at")
    response = client.post(reverse("case_reminder_seen", args=[latest.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    assert not Reminder.objects.filter(seen_at__isnull=True).exists()
    assert 'id="reminder-' not in client.get(reverse("case_worklist")).content.decode()


def test_the_worklist_with_reminders_keeps_its_query_count(
    client, users, register, clock, make_user, django_assert_max_num_queries
):
    gj = Department.objects.get(code="GJ")
    make_user("head", department=gj)
    for day in (28, 29, 30):
        register("DK015", when=at(2026, 9, day))
    for day in (12, 13, 14, 15):
        _sweep(clock, 2026, 10, day, 7)
    client.force_login(users["head1"])
    with django_assert_max_num_queries(16):
        page = client.get(reverse("case_worklist")).content.decode()
    assert page.count('id="reminder-') == 3  # one overdue reminder per case, each once
