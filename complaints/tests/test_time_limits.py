"""Time limits of complaints (000 §五(四)7; rule set handan-2021-complaint) across
holidays, table-driven: the receipt day is not counted; a general complaint is
answered within 5 working days with the warning line at 3; a major one within 10;
before classification the general limit applies; an invalid one keeps it; an
unsatisfied follow-up starts a new limit; a limit in an unpublished year is kept
pending and computed once the year is published."""

from __future__ import annotations

from datetime import date

import pytest

from common.errors import DomainError
from complaints import selectors, services
from complaints.models import Complaint, Status
from complaints.tests.helpers import accept, at, classify, register, to_follow_up
from workdays.services import year_publish

pytestmark = pytest.mark.django_db

D = date.fromisoformat

CASES = [
    # received, general due, warning line, major due — checked against the State Council notices
    ("2026-03-02", "2026-03-09", "2026-03-05", "2026-03-16"),  # an ordinary Monday
    ("2026-03-07", "2026-03-13", "2026-03-11", "2026-03-20"),  # a Saturday: counting starts Monday
    ("2026-09-30", "2026-10-13", "2026-10-10", "2026-10-20"),  # 国庆 1–7 Oct off, Sat 10 Oct worked
    ("2026-02-13", "2026-02-27", "2026-02-25", "2026-03-05"),  # 春节 15–23 Feb off, Sat 14 and 28 Feb worked
    ("2026-04-30", "2026-05-11", "2026-05-08", "2026-05-18"),  # 劳动节 1–5 May off, Sat 9 May worked
    ("2025-12-29", "2026-01-06", "2026-01-04", "2026-01-13"),  # 元旦 2026 across the year, Sun 4 Jan worked
    ("2025-09-29", "2025-10-13", "2025-10-10", "2025-10-20"),  # 国庆中秋 2025: 1–8 Oct off, Sat 11 Oct worked
]


@pytest.mark.parametrize(("received", "general_due", "warn", "major_due"), CASES)
def test_an_unclassified_complaint_is_timed_as_general_from_the_day_after_receipt(
    users, received, general_due, warn, major_due
):
    c = register(users, received)
    assert (c.reply_due, c.warn_on, c.limit_days, c.deadline_pending) == (D(general_due), D(warn), 5, False)
    assert c.rules_ref == "handan-2021-complaint@1"
    assert c.clock_start_on == D(received)


@pytest.mark.parametrize(("received", "general_due", "warn", "major_due"), CASES)
def test_a_major_complaint_gets_ten_working_days_and_no_warning_line(
    users, received, general_due, warn, major_due
):
    c = register(users, received)
    accept(users, c, received)
    c = classify(users, c, received, "major", ["服务态度恶劣，恶语伤人，甚至与服务对象争吵谩骂的"])
    assert (c.reply_due, c.warn_on, c.limit_days) == (D(major_due), None, 10)


@pytest.mark.parametrize(("received", "general_due", "warn", "major_due"), CASES)
def test_an_invalid_complaint_keeps_the_general_limit_to_explain_why(
    users, received, general_due, warn, major_due
):
    c = register(users, received)
    accept(users, c, received)
    c = classify(users, c, received, "invalid", ["超出职责和业务范畴的投诉"], reason="不属于中心职责")
    assert (c.reply_due, c.warn_on) == (D(general_due), D(warn))
    assert c.is_valid is False


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-03-05", []),  # the warning line is the end of the third working day
        ("2026-03-06", [("amber", "即将到期")]),
        ("2026-03-09", [("amber", "今日到期")]),
        ("2026-03-10", [("red", "已逾期")]),
    ],
)
def test_the_list_flags_follow_the_warning_line_and_the_due_day(users, day, expected):
    c = register(users, "2026-03-02")
    assert selectors.deadline_flags(c, D(day)) == expected
    overdue = list(selectors.overdue(Complaint.objects.all(), D(day)))
    soon = list(selectors.due_soon(Complaint.objects.all(), D(day)))
    assert (overdue == [c]) == (expected == [("red", "已逾期")])
    assert (soon == [c]) == (expected in ([("amber", "即将到期")], [("amber", "今日到期")]))


def test_a_reply_on_the_due_day_is_on_time_and_the_day_after_is_late(users):
    on_time = to_follow_up(users, register(users, "2026-03-02"), "2026-03-09")
    assert on_time.replies.get().on_time is True
    c = register(users, "2026-03-02")
    late = to_follow_up(users, c, "2026-03-10")
    assert late.replies.get().on_time is False
    assert late.events.filter(title="答复投诉人（超过时限）").exists()


@pytest.mark.parametrize(
    ("follow_up_day", "new_due"),
    [
        ("2026-03-10", "2026-03-17"),
        ("2026-09-29", "2026-10-12"),  # reopened just before National Day (Sat 10 Oct worked)
    ],
)
def test_an_unsatisfied_follow_up_starts_a_new_limit_from_the_day_after(users, follow_up_day, new_due):
    c = to_follow_up(users, register(users, "2026-03-02"), "2026-03-03")
    c = services.complaint_follow_up(
        actor=users["office"],
        complaint=c,
        method="电话",
        satisfaction="unsatisfied",
        opinion="问题没有解决",
        now=at(follow_up_day),
    )
    assert (c.status, c.round, c.clock_start_on, c.reply_due) == (
        Status.HANDLING,
        2,
        D(follow_up_day),
        D(new_due),
    )


def test_a_limit_in_an_unpublished_year_is_pending_and_never_guessed(users):
    c = register(users, "2026-12-28")  # 5 working days reach into 2027
    assert (c.reply_due, c.warn_on, c.deadline_pending) == (None, None, True)
    assert "待下一年度节假日安排公布后确定" in c.events.get().public_note
    assert selectors.deadline_flags(c) == [("amber", "期限待日历发布")]
    assert selectors.pending_calendar() == [c]

    on_time = register(users, "2026-12-24")  # general due 31 Dec is computable …
    assert on_time.reply_due == D("2026-12-31")
    accept(users, on_time, "2026-12-24")
    major = classify(users, on_time, "2026-12-24", "major", ["严重工作失误，引起服务对象极大不满的"])
    assert (major.reply_due, major.deadline_pending) == (None, True)  # … a major one is not

    assert services.complaint_deadlines_recompute(actor="test") == 0
    year_publish(
        actor="test",
        year=2027,
        holidays=[("元旦", D("2027-01-01"), D("2027-01-03"))],
        makeup_workdays=[],
        source="测试通知",
        notice_text="测试",
    )
    assert services.complaint_deadlines_recompute(actor="test") == 2
    c.refresh_from_db()
    major.refresh_from_db()
    assert (c.reply_due, c.warn_on, c.deadline_pending) == (D("2027-01-05"), D("2026-12-31"), False)
    assert major.reply_due == D("2027-01-08")
    assert c.events.filter(action="deadline").exists()


def test_an_answer_while_the_limit_is_pending_is_on_time(users):
    c = register(users, "2026-12-28")
    c = to_follow_up(users, c, "2026-12-29")
    reply = c.replies.get()
    assert (reply.due, reply.on_time) == (None, True)


def test_the_sweep_marks_warnings_and_overdue_once(users):
    soon = register(users, "2026-03-02")
    late = register(users, "2026-02-23")  # due 2 March
    counts = services.complaint_sweep(actor="complaints_sweep", today=D("2026-03-06"))
    assert counts == {"warned": 1, "overdue": 1, "deadlines": 0}
    assert soon.events.filter(action="warn").count() == 1
    assert late.events.filter(action="overdue").count() == 1
    assert services.complaint_sweep(actor="complaints_sweep", today=D("2026-03-06")) == {
        "warned": 0,
        "overdue": 0,
        "deadlines": 0,
    }


def test_a_delay_is_told_and_reported_and_keeps_the_original_limit(users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    leader = users["leader1"].staff
    with pytest.raises(DomainError, match="不是中心领导"):
        services.complaint_report_delay(
            actor=users["office"],
            complaint=c,
            reason="需调取银行流水",
            complainant_told_via="电话",
            leader=users["teller1"].staff,
            leader_opinion="同意",
        )
    services.complaint_report_delay(
        actor=users["office"],
        complaint=c,
        reason="需调取银行流水",
        complainant_told_via="电话",
        leader=leader,
        leader_opinion="同意延至3月13日答复",
        extended_due=D("2099-03-13"),
    )
    c.refresh_from_db()
    assert (c.reply_due, c.extended_due, c.effective_due) == (
        D("2026-03-09"),
        D("2099-03-13"),
        D("2099-03-13"),
    )
    event = c.events.get(action="delay")
    assert event.from_status == event.to_status == Status.ACCEPTED
    assert "将于2099年3月13日前答复您" in event.public_note
    assert selectors.deadline_flags(c, D("2026-03-10")) == [("red", "已逾期"), ("amber", "领导同意延至03-13")]
