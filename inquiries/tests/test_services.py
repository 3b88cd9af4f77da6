"""First-inquiry records: who the first-inquiry person is, what each outcome records,
hand-over limits across holidays, escalation and 首问必果 (000 §五(一); 003 §三–§七)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from common import clock
from common.errors import DomainError
from inquiries import selectors, services
from inquiries.models import Inquiry, InquiryStatus
from org.models import Rank
from workdays.services import year_publish

pytestmark = pytest.mark.django_db


def at(day: str, hm: str = "10:00") -> datetime:
    h, m = (int(x) for x in hm.split(":"))
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(h, m)))


def handover(people, org, day: str, days: int = 3, **extra) -> Inquiry:
    return services.inquiry_log(
        actor=people["teller"],
        channel="visit",
        matter="异地转移接续",
        outcome="handed_over",
        visitor_unit="某建筑公司",
        visitor_name="张三",
        visitor_phone="13800001234",
        department=org["withdrawal"],
        receiver=people["receiver"].staff,
        resolve_working_days=days,
        now=at(day),
        **extra,
    )


def test_the_first_staff_member_reached_is_the_first_inquiry_person(people):
    inquiry = services.inquiry_log(
        actor=people["teller"],
        channel="phone",
        matter="查询缴存余额",
        outcome="handled",
        answer="已告知余额查询方式",
    )
    assert inquiry.first_responder == people["teller"].staff
    assert inquiry.status == InquiryStatus.CLOSED
    assert inquiry.no.startswith(f"SW{clock.today():%Y%m%d}-")
    assert inquiry.rules_ref == "handan-2021-first-inquiry@1"
    assert [e.to_status for e in inquiry.events.all()] == ["closed"]
    assert AuditEvent.objects.filter(action="inquiries.inquiry.log", object_id=str(inquiry.pk)).exists()


@pytest.mark.parametrize(
    ("first", "others", "expected"),
    [
        ("teller", [], "teller"),
        ("teller", ["deputy"], "deputy"),  # 003 §三: 职位高者为首问责任人
        ("teller", ["deputy", "head"], "head"),
        ("deputy", ["teller"], "deputy"),
        ("teller", ["receiver"], "teller"),  # same rank: the one reached first
    ],
)
def test_when_several_were_asked_together_the_highest_ranked_is_the_first_inquiry_person(
    people, first, others, expected
):
    inquiry = services.inquiry_log(
        actor=people["teller"],
        channel="visit",
        matter="贷款额度",
        outcome="handled",
        answer="已答复",
        first_contact=people[first].staff,
        asked_together=[people[o].staff for o in others],
    )
    assert inquiry.first_responder == people[expected].staff
    assert set(inquiry.asked_staff.all()) == {people[o].staff for o in others} - {people[first].staff}


def test_rank_order_is_the_order_of_rank_values():
    assert Rank.CLERK < Rank.SECTION_DEPUTY < Rank.DIVISION_CHIEF < Rank.CENTRE_DIRECTOR


@pytest.mark.parametrize(
    ("outcome", "fields", "message"),
    [
        ("handled", {}, "答复或办理情况"),
        ("notice_given", {}, "一次性告知清单"),
        ("led", {}, "相关部门"),
        ("referred_outside", {}, "介绍到的有关部门或单位"),
        ("handed_over", {"department": "withdrawal"}, "姓名和联系电话"),
        ("escalated", {"visitor_name": "张三"}, "姓名和联系电话"),
    ],
)
def test_each_outcome_asks_for_what_it_needs(people, org, outcome, fields, message):
    if "department" in fields:
        fields = {**fields, "department": org[fields["department"]]}
    with pytest.raises(DomainError, match=message):
        services.inquiry_log(
            actor=people["teller"], channel="visit", matter="提取", outcome=outcome, **fields
        )
    assert not Inquiry.objects.exists()


def test_a_wrong_phone_number_is_refused_with_a_message_a_person_can_act_on(people):
    with pytest.raises(DomainError, match="联系电话：电话号码格式不正确"):
        services.inquiry_log(
            actor=people["teller"],
            channel="phone",
            matter="提取",
            outcome="handled",
            answer="已答复",
            visitor_phone="1381234",
        )


def test_a_one_time_notice_keeps_the_number_of_the_notice_given(people):
    inquiry = services.inquiry_log(
        actor=people["teller"],
        channel="visit",
        matter="退休提取",
        outcome="notice_given",
        notice_ref="GZ-2026-0001",
    )
    assert (inquiry.status, inquiry.notice_ref) == (InquiryStatus.CLOSED, "GZ-2026-0001")
    assert inquiry.notice is None  # a paper notice from before the system: kept as typed


def test_a_notice_issued_by_the_system_is_linked_by_its_number(people, org):
    from catalog.tests.helpers import issue

    notice = issue(people["teller"], org["hall"], "TQ001", missing=("购房合同",))
    inquiry = services.inquiry_log(
        actor=people["teller"],
        channel="visit",
        matter="购房提取",
        outcome="notice_given",
        notice_ref=notice.number,
    )
    assert inquiry.notice == notice
    assert list(notice.inquiries.all()) == [inquiry]


# --- Hand-over limits (000 §五(一)2(2) and §五(二)2(3)) -------------------------------


@pytest.mark.parametrize(
    ("day", "days", "contact_due", "resolve_due"),
    [
        # An ordinary Tuesday: contact by Wednesday; 3 days counted from the hand-over day.
        ("2026-03-03", 3, "2026-03-04", "2026-03-05"),
        # Friday: contact by Monday.
        ("2026-03-06", 1, "2026-03-09", "2026-03-06"),
        # The day before National Day (1–7 October 2026 off; Saturday 10 October worked).
        ("2026-09-30", 1, "2026-10-08", "2026-09-30"),
        ("2026-09-30", 3, "2026-10-08", "2026-10-09"),
        ("2026-09-30", 4, "2026-10-08", "2026-10-10"),
        # Spring Festival 2026: 15–23 February off, Saturday 14 February worked.
        ("2026-02-13", 2, "2026-02-14", "2026-02-14"),
        ("2026-02-14", 2, "2026-02-24", "2026-02-24"),
        # An immediate matter (0 days) handed over on a working day is due that day.
        ("2026-03-03", 0, "2026-03-04", "2026-03-03"),
    ],
)
def test_hand_over_limits_are_counted_in_working_days_across_holidays(
    people, org, day, days, contact_due, resolve_due
):
    inquiry = handover(people, org, day, days)
    assert inquiry.status == InquiryStatus.HANDED_OVER
    assert (inquiry.contact_due, inquiry.resolve_due) == (
        date.fromisoformat(contact_due),
        date.fromisoformat(resolve_due),
    )
    assert not inquiry.deadline_pending


def test_a_hand_over_whose_limit_falls_in_an_unpublished_year_is_kept_pending_and_computed_after_publication(
    people, org
):
    inquiry = handover(people, org, "2026-12-31", 2)
    assert inquiry.status == InquiryStatus.HANDED_OVER
    assert (inquiry.contact_due, inquiry.resolve_due, inquiry.deadline_pending) == (None, None, True)
    assert selectors.pending_calendar() == [inquiry]
    assert selectors.deadline_flags(inquiry) == [("amber", "期限待节假日安排发布")]
    assert services.inquiry_deadlines_recompute(actor="test") == 0  # still unpublished

    year_publish(
        actor="test",
        year=2027,
        holidays=[("元旦", date(2027, 1, 1), date(2027, 1, 3))],
        makeup_workdays=[],
        source="测试通知",
        notice_text="测试",
    )
    assert services.inquiry_deadlines_recompute(actor="test") == 1
    inquiry.refresh_from_db()
    # 31 Dec is day 1 of the resolution; 1–3 Jan 2027 are off, so contact and day 2 fall on Mon 4 Jan.
    assert (inquiry.contact_due, inquiry.resolve_due, inquiry.deadline_pending) == (
        date(2027, 1, 4),
        date(2027, 1, 4),
        False,
    )
    assert inquiry.events.filter(action="deadline").count() == 1


def test_an_open_hand_over_stays_on_both_worklists_until_it_is_closed(people, org):
    inquiry = handover(people, org, "2026-03-03")
    teller, receiver = people["teller"].staff, people["receiver"].staff
    assert selectors.worklist(receiver).to_contact == [inquiry]
    assert selectors.worklist(teller).my_open == [inquiry]

    services.inquiry_contact(
        actor=people["receiver"], inquiry=inquiry, note="已电话联系，约定周四来办", now=at("2026-03-04")
    )
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.CONTACTED
    assert selectors.worklist(teller).my_open == [inquiry]

    services.inquiry_close(actor=people["receiver"], inquiry=inquiry, result="已办结转移接续")
    assert selectors.worklist(receiver).to_contact == []
    assert selectors.worklist(teller).my_open == []
    inquiry.refresh_from_db()
    assert [(e.from_status, e.to_status) for e in inquiry.events.all()] == [
        ("", "handed_over"),
        ("handed_over", "contacted"),
        ("contacted", "closed"),
    ]


def test_only_the_receiver_the_first_inquiry_person_or_the_office_may_act_on_a_hand_over(people, org):
    inquiry = handover(people, org, "2026-03-03")
    with pytest.raises(DomainError) as refused:
        services.inquiry_contact(actor=people["stranger"], inquiry=inquiry)
    assert refused.value.status == 403
    with pytest.raises(DomainError):
        services.inquiry_contact(actor=people["teller"], inquiry=inquiry)  # only the receiver calls back
    services.inquiry_contact(actor=people["office"], inquiry=inquiry)
    with pytest.raises(DomainError, match="办理结果"):
        services.inquiry_close(actor=people["teller"], inquiry=inquiry, result="  ")
    services.inquiry_close(actor=people["teller"], inquiry=inquiry, result="首问责任人确认已办结")
    with pytest.raises(DomainError) as closed:
        services.inquiry_close(actor=people["receiver"], inquiry=inquiry, result="再次办结")
    assert closed.value.status == 409


def test_unclear_responsibility_goes_to_the_superior_who_answers_or_names_the_responsible_person(people, org):
    inquiry = handover(people, org, "2026-03-03")
    services.inquiry_escalate(
        actor=people["receiver"], inquiry=inquiry, reason="该事项涉及归集和提取两处，责任不明确"
    )
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.escalated_to) == (InquiryStatus.ESCALATED, people["head"].staff)
    assert selectors.worklist(people["head"].staff).to_decide == [inquiry]
    assert selectors.worklist(people["receiver"].staff).to_contact == []

    with pytest.raises(DomainError):
        services.inquiry_designate(
            actor=people["receiver"],
            inquiry=inquiry,
            department=org["loans"],
            receiver=people["deputy"].staff,
            resolve_working_days=2,
        )
    services.inquiry_designate(
        actor=people["head"],
        inquiry=inquiry,
        department=org["loans"],
        receiver=people["deputy"].staff,
        resolve_working_days=2,
        note="由贷款大厅办理",
        now=at("2026-09-30"),
    )
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.receiver, inquiry.handed_over_on) == (
        InquiryStatus.HANDED_OVER,
        people["deputy"].staff,
        date(2026, 9, 30),
    )
    assert (inquiry.contact_due, inquiry.resolve_due) == (date(2026, 10, 8), date(2026, 10, 8))


def test_reporting_directly_to_the_superior_at_intake_needs_a_superior_on_file(people):
    inquiry = services.inquiry_log(
        actor=people["teller"],
        channel="phone",
        matter="政策咨询",
        outcome="escalated",
        visitor_name="李四",
        visitor_phone="0310-3101001",
    )
    assert (inquiry.status, inquiry.escalated_to) == (InquiryStatus.ESCALATED, people["head"].staff)
    services.inquiry_close(actor=people["head"], inquiry=inquiry, result="领导已电话答复")
    with pytest.raises(DomainError, match="上一级领导"):
        services.inquiry_log(
            actor=people["deputy"],
            channel="phone",
            matter="政策咨询",
            outcome="escalated",
            visitor_name="李四",
            visitor_phone="13800001234",
        )


def test_numbers_are_gapless_per_day(people):
    rows = [
        services.inquiry_log(
            actor=people["teller"],
            channel="visit",
            matter=f"事项{i}",
            outcome="handled",
            answer="已答复",
            now=at("2026-03-03"),
        )
        for i in range(3)
    ]
    assert [r.no for r in rows] == ["SW20260303-0001", "SW20260303-0002", "SW20260303-0003"]


def test_a_login_without_a_staff_record_cannot_log_an_inquiry(db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("nostaff", password="x")
    with pytest.raises(DomainError, match="工作人员档案"):
        services.inquiry_log(actor=user, channel="visit", matter="x", outcome="handled", answer="y")


def test_overdue_flags_follow_the_calendar(people, org):
    inquiry = handover(people, org, "2026-03-03", 3)
    assert selectors.deadline_flags(inquiry, date(2026, 3, 3)) == []
    assert selectors.deadline_flags(inquiry, date(2026, 3, 4)) == [("amber", "今日须联系")]
    assert selectors.deadline_flags(inquiry, date(2026, 3, 5)) == [
        ("red", "逾期未联系"),
        ("amber", "今日到期"),
    ]
    assert selectors.deadline_flags(inquiry, date(2026, 3, 6)) == [
        ("red", "逾期未联系"),
        ("red", "超过办结期限"),
    ]
    assert list(selectors.overdue(Inquiry.objects.all(), date(2026, 3, 5))) == [inquiry]
