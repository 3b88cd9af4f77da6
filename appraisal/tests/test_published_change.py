"""Published results stay true: a record that counts for a published quarter changes
afterwards — a fine reversed on appeal, a valid complaint verified inside the quarter
but recorded later — and the publication is flagged to the office (工作台, the quarter's
page, the nightly sweep) with what changed and the difference it makes, until the office
publishes the correction (a new publication number, the history kept, the notice board
saying it was corrected)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from appraisal import selectors, services
from appraisal.models import (
    AppraisalQuarterEvent,
    AppraisalResult,
    ChangeStatus,
    PublishedChange,
    QuarterStatus,
)
from appraisal.republication import compare
from appraisal.tests.conftest import staff
from audit.models import AuditEvent
from common.errors import DomainError
from common.worklist import todos_for


@pytest.fixture
def published(users):
    """2026 Q1 published with 胡晓明 (1101) at the top: a thank-you letter (D3 +5)."""
    office = users["office1"]
    q1 = services.quarter_open(actor=office, year=2026, quarter=1)
    services.entry_record(
        actor=office,
        quarter=q1,
        staff=staff("1101"),
        item_code="D3",
        quantity=1,
        occurred_on=date(2026, 3, 9),
        evidence="书面建议被采纳",
    )
    services.quarter_publish(actor=office, quarter=q1, note="公示")
    q1.refresh_from_db()
    return q1


def absence(users, no: str = "1102", day: date = date(2026, 3, 10)):
    """A 旷工 line (item 2.1 → C1, 5 points a day) found later for a day of Q1."""
    from supervision.services.violations import violation_record

    return violation_record(
        actor=users["office1"], item_code="2.1", occurred_on=day, staff=staff(no), note="考勤机无打卡记录"
    )


def test_a_publication_records_its_lines_and_its_number(published):
    top = AppraisalResult.objects.get(quarter=published, publication=1, staff__staff_no="1101")
    assert top.lines == [
        {
            "code": "D3",
            "quantity": 1,
            "source": "考核登记",
            "ref": top.lines[0]["ref"],
            "note": "书面建议被采纳",
        }
    ]
    (publication,) = selectors.publications(published)
    assert (publication.number, publication.ended_at, publication.corrects) == (1, None, "")
    assert publication.people == AppraisalResult.objects.filter(quarter=published).count()


def test_a_publication_still_true_is_not_flagged(published):
    assert services.publication_check(quarter=published) is None
    assert not PublishedChange.objects.exists()


def test_a_fine_reversed_after_publication_flags_the_quarter_with_the_record_and_the_difference(
    users, published
):
    from supervision.services.violations import violation_reverse

    services.quarter_withdraw(actor=users["office1"], quarter=published, reason="补登旷工")
    wrong = absence(users, "1101")
    services.quarter_publish(actor=users["office1"], quarter=published)
    published.refresh_from_db()
    before = AppraisalResult.objects.get(quarter=published, publication=2, staff__staff_no="1101")
    violation_reverse(actor=users["office1"], violation=wrong, reason="考勤机故障，经核实按时到岗")

    change = services.publication_check(quarter=published)
    assert change is not None and (change.status, change.publication) == (ChangeStatus.OPEN, 2)
    hu = next(c for c in change.changes if c["staff_no"] == "1101")
    assert [(ln["code"], ln["ref"]) for ln in hu["removed"]] == [("C1", wrong.no)] and hu["added"] == []
    assert (hu["before"]["total"], hu["after"]["total"]) == (before.total, before.total + 5)
    assert (hu["before"]["rank"], hu["after"]["rank"]) == (before.rank, 1)
    assert change.events.count() == 1
    assert AuditEvent.objects.filter(action="appraisal.published_change.found").count() == 1
    # Checking again finds the same: nothing new is written.
    assert services.publication_check(quarter=published) == change
    assert change.events.count() == 1


def test_a_valid_complaint_verified_in_the_quarter_but_recorded_later_shows_the_veto(users, published):
    from complaints.tests import helpers

    office = {"office": users["office1"]}
    c = helpers.register(office, day="2026-03-02", scope_codes=["service_rules"])
    helpers.accept(office, c, "2026-03-02")
    helpers.classify(office, c, "2026-03-02")
    helpers.determine(office, c, "2026-03-03")  # against 胡晓明 (1101), verified in Q1
    change = services.publication_check(quarter=published)
    hu = next(x for x in change.changes if x["staff_no"] == "1101")
    assert (hu["before"]["grade_label"], hu["after"]["grade_label"]) == ("优秀", "称职")
    assert (hu["before"]["valid_complaint"], hu["after"]["valid_complaint"]) == (False, True)
    assert [(ln["source"], ln["ref"]) for ln in hu["added"]] == [("有效投诉", c.no)]


def test_records_agreeing_again_resolve_the_flag(users, published):
    from supervision.services.violations import violation_reverse

    found = absence(users)
    change = services.publication_check(quarter=published)
    assert change is not None
    violation_reverse(actor=users["office1"], violation=found, reason="登记错误")
    assert services.publication_check(quarter=published) is None
    change.refresh_from_db()
    assert (change.status, change.resolution) == (ChangeStatus.RESOLVED, "记录已恢复，与公示结果一致")
    assert list(change.events.values_list("from_status", "to_status")) == [("", "open"), ("open", "resolved")]


def test_a_further_change_updates_the_open_flag(users, published):
    absence(users, day=date(2026, 3, 10))
    change = services.publication_check(quarter=published)
    absence(users, day=date(2026, 3, 11))
    again = services.publication_check(quarter=published)
    assert again.pk == change.pk
    person = next(c for c in again.changes if c["staff_no"] == "1102")
    assert len(person["added"]) == 2
    assert list(again.events.values_list("to_status", flat=True)) == ["open", "open"]


def test_the_office_sees_the_flag_on_its_worklist_and_nobody_else(users, published):
    absence(users)
    services.publication_check(quarter=published)
    rows = [t for g in todos_for(users["office1"], date(2026, 4, 10)) for t in g["items"]]
    flag = next(t for t in rows if "考核结果有变动" in t.label)
    assert (flag.count, flag.urgent, flag.url) == (1, True, "/appraisal/quarters/2026-Q1/#published-change")
    for name in ("teller1", "head1", "leader1"):
        labels = [t.label for g in todos_for(users[name], date(2026, 4, 10)) for t in g["items"]]
        assert not any("考核结果有变动" in label for label in labels)


def test_the_worklist_counts_flagged_quarters_in_a_bounded_number_of_queries(
    users, published, django_assert_max_num_queries
):
    from appraisal.todo import todo_for

    absence(users)
    services.publication_check(quarter=published)
    with django_assert_max_num_queries(3):
        todo_for(users["office1"], date(2026, 4, 10))


def test_the_office_publishes_the_correction_and_the_history_is_kept(users, published):
    absence(users)
    change = services.publication_check(quarter=published)
    first = list(AppraisalResult.objects.filter(quarter=published, publication=1).order_by("staff_no"))
    services.quarter_republish(actor=users["office1"], quarter=published, reason="1102 旷工一天补登")
    published.refresh_from_db()
    assert (published.status, published.publication) == (QuarterStatus.PUBLISHED, 2)
    assert (
        list(AppraisalResult.objects.filter(quarter=published, publication=1).order_by("staff_no")) == first
    )
    now_1102 = next(r for r in selectors.current_results(published) if r.staff_no == "1102")
    was_1102 = next(r for r in first if r.staff_no == "1102")
    assert now_1102.total == was_1102.total - 5
    one, two = selectors.publications(published)
    assert one.ended_at is not None and one.ended_note == "已由第2次公示替代"
    assert two.ended_at is None and two.corrects.startswith("1102 旷工一天补登（")
    assert f"得分 {was_1102.total} → {now_1102.total}" in two.corrects
    change.refresh_from_db()
    assert (change.status, change.resolution) == (ChangeStatus.RESOLVED, "第2次公示已按现有记录更正")
    event = AppraisalQuarterEvent.objects.filter(quarter=published).last()
    assert (event.from_status, event.to_status) == ("published", "published")
    assert event.note.startswith("更正公示：第2次公示替代第1次")
    assert AuditEvent.objects.filter(action="appraisal.quarter.republish").exists()
    # The correction is the publication now: nothing left to flag or to correct.
    assert services.publication_check(quarter=published) is None
    with pytest.raises(DomainError, match="无需更正"):
        services.quarter_republish(actor=users["office1"], quarter=published, reason="再次")


def test_a_correction_needs_the_office_a_reason_and_a_publication(users, published):
    absence(users)
    with pytest.raises(DomainError, match="业务管理处"):
        services.quarter_republish(actor=users["leader1"], quarter=published, reason="x")
    with pytest.raises(DomainError, match="原因"):
        services.quarter_republish(actor=users["office1"], quarter=published, reason="  ")
    services.quarter_withdraw(actor=users["office1"], quarter=published, reason="更正")
    with pytest.raises(DomainError, match="直接公示"):
        services.quarter_republish(actor=users["office1"], quarter=published, reason="更正")
    assert services.publication_check(quarter=published) is None  # nothing published to compare


def test_publishing_again_after_a_withdrawal_resolves_the_flag_too(users, published):
    absence(users)
    change = services.publication_check(quarter=published)
    services.quarter_withdraw(actor=users["office1"], quarter=published, reason="更正旷工")
    services.quarter_publish(actor=users["office1"], quarter=published)
    change.refresh_from_db()
    assert change.status == ChangeStatus.RESOLVED
    one, two = selectors.publications(published)
    assert one.ended_note == "撤回公示：更正旷工" and two.ended_at is None


def test_the_nightly_sweep_checks_every_published_quarter(users, published):
    absence(users)
    out = StringIO()
    call_command("appraisal_sweep", stdout=out)
    text = out.getvalue()
    assert "核对已公示季度 1 个；与记录不一致 1 个" in text and "2026年第1季度（第1次公示）" in text
    assert PublishedChange.objects.filter(status=ChangeStatus.OPEN).count() == 1


def test_compare_reports_a_rank_moved_by_somebody_else():
    def person(pk, total, rank, grade, lines=()):
        return {
            "staff_id": pk,
            "staff_no": str(pk),
            "staff_name": f"P{pk}",
            "total": total,
            "rank": rank,
            "grade_code": grade,
            "grade_label": grade,
            "valid_complaint": False,
            "return_to_unit": False,
            "peer": {"counted": 0, "total": 0},
            "lines": list(lines),
        }

    before = [person(1, 95, 1, "优秀"), person(2, 92, 2, "优秀"), person(3, 91, 3, "称职")]
    cut = {"code": "C1", "quantity": 1, "source": "巡查", "ref": "WG1", "note": ""}
    after = [person(1, 90, 3, "称职", [cut]), person(2, 92, 1, "优秀"), person(3, 91, 2, "优秀")]
    changes = compare(before, after)
    assert [(c["staff_no"], c["before"]["grade_label"], c["after"]["grade_label"]) for c in changes] == [
        ("1", "优秀", "称职"),
        ("2", "优秀", "优秀"),
        ("3", "称职", "优秀"),
    ]
    assert changes[0]["added"] == [cut] and changes[2]["added"] == []


def test_compare_reads_a_publication_made_before_lines_were_stored_by_its_items():
    old = {
        "staff_id": 1,
        "total": 100,
        "rank": 1,
        "grade_code": "excellent",
        "grade_label": "优秀",
        "valid_complaint": False,
        "return_to_unit": False,
        "sections": [{"items": [{"code": "C4", "text": "迟到", "quantity": 1}]}],
        "bonuses": [],
        "lines": None,
    }
    new = {**old, "total": 101, "sections": [{"items": []}], "lines": []}
    (change,) = compare([old], [new])
    assert [ln["code"] for ln in change["removed"]] == ["C4"]


# ---------------------------------------------------------------------------------------
# Pages


def test_the_correction_endpoint_checks_login_and_role(client, users, published):
    absence(users)
    url = "/appraisal/quarters/2026-Q1/republish/"
    response = client.post(url, {"reason": "补登旷工"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    for wrong in ("leader1", "head1", "teller1"):
        client.force_login(users[wrong])
        assert client.post(url, {"reason": "补登旷工"}).status_code == 403
    client.force_login(users["office1"])
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": ""})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.publication == 1  # a correction needs its reason
    client.post(url, {"reason": "补登旷工"})
    published.refresh_from_db()
    assert published.publication == 2


def test_the_quarter_page_shows_what_changed_and_offers_the_correction_to_the_office_only(
    client, users, published
):
    found = absence(users)
    client.force_login(users["leader1"])
    page = client.get("/appraisal/quarters/2026-Q1/").content.decode()
    assert "公示后记录有变动" in page and found.no in page and "新增" in page
    assert "republish-form" not in page
    client.force_login(users["office1"])
    page = client.get("/appraisal/quarters/2026-Q1/").content.decode()
    assert "republish-form" in page and "更正公示（第2次公示）" in page
    listing = client.get("/appraisal/quarters/").content.decode()
    assert "公示后记录有变动，待更正" in listing
    home = client.get("/").content.decode()
    assert "已公示的考核结果有变动，待更正公示" in home


def test_the_notice_board_shows_the_current_publication_and_that_it_was_corrected(client, users, published):
    absence(users)
    services.quarter_republish(actor=users["office1"], quarter=published, reason="补登旷工")
    board = client.get("/notice-board/").content.decode()
    assert "更正公示，第2次" in board
    page = client.get("/notice-board/2026-Q1/").content.decode()
    assert "第2次公示，以本次为准" in page and "更正公示" in page and "补登旷工" in page
    assert "历次公示：第1次" in page
    # Nobody's grade moved here (1102 loses 5 points): the table lists the score change.
    assert "原公示得分" in page
    # A WG number (an internal record) is named in the reason only as the office wrote it.
    assert "WG" not in page.split("更正原因：")[0]
