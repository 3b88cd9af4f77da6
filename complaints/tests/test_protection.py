"""Complaint protection holds for everyone (issue 14): the person a complaint is about
— as a teller, as the head of the responsible department, as the administrator, in the
office — never reads it (list, detail, 工单, 办理报告, attachments, API, admin, exports,
the worklist, the dashboard, the pending-calendar page), never acts on it (every step,
the appeal), and on /complaints/mine/, the appraisal page, the breach list and the ledger
sees only the category, the dates and the outcome — never the complainant or their
words. A complaint about the head of the responsible department goes to the office or a
leader instead."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.errors import DomainError
from common.periods import Period
from complaints import selectors, services
from complaints.analysis import complaint_analysis, withheld_for
from complaints.models import Complaint, Status
from complaints.selectors import Step
from complaints.tests.helpers import accept, at, classify, determine, handle, register
from org.models import Staff

pytestmark = pytest.mark.django_db

SUBJECT = "柜员甲乙丙态度恶劣"
CONTENT = "投诉原文丁戊己：当着众人训斥办事职工"
COMPLAINANT = "钱多多"
SUGGESTION = "建议庚辛壬：窗口增设意见簿"
CATEGORY = "不遵守《首问负责制度》"  # the start of the scope service_rules in the rule set

# who → (staff number, the department found responsible)
WHO = {
    "teller1": ("1101", "DK"),  # 胡晓明, window staff
    "head1": ("0401", "DK"),  # 黄丽, the head of DK itself
    "admin": ("0801", "XX"),  # 孙洁, the administrator
}
MATRIX = pytest.mark.parametrize("who", sorted(WHO))


def against(users, who: str, day: str = "2026-03-02", **fields) -> Complaint:
    """A valid general complaint about `who`, determined against them, handled and
    reported by the office: at 办理报告待审核, with an attachment and a fine."""
    staff_no, dept = WHO[who]
    c = register(
        users,
        day,
        staff=Staff.objects.get(staff_no=staff_no),
        subject=SUBJECT,
        content=CONTENT,
        complainant_name=COMPLAINANT,
        suggestion=SUGGESTION,
        attachments=[SimpleUploadedFile("证据.txt", b"evidence", content_type="text/plain")],
        **fields,
    )
    accept(users, c, day)
    classify(users, c, day)
    determine(users, c, day, dept=dept, staff_nos=(staff_no,))
    handle(users["office"], c, day)
    services.complaint_submit_report(
        actor=users["office"],
        complaint=c,
        investigation="情况属实",
        causes="态度问题",
        measures="批评教育",
        communication="已致歉",
        prevention="培训",
        now=at(day, "14:00"),
    )
    c.refresh_from_db()
    return c


def _hidden(html: str, c: Complaint) -> None:
    assert c.no not in html
    assert SUBJECT not in html and CONTENT not in html and COMPLAINANT not in html and SUGGESTION not in html


@MATRIX
def test_the_person_complained_about_sees_nothing_of_it_anywhere(client, users, who, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = against(users, who)
    assert c.status == Status.REPORT_REVIEW
    client.force_login(users[who])
    for view in ("all", "open", "todo"):
        listing = client.get(reverse("complaint_list"), {"view": view})
        if listing.status_code == 302:  # window staff and the administrator: their own page
            assert listing["Location"] == reverse("complaint_mine")
        else:
            _hidden(listing.content.decode(), c)
    for name, args in [
        ("complaint_detail", [c.no]),
        ("complaint_ticket", [c.no]),  # the 工单
        ("complaint_report_print", [c.no]),
        ("complaint_attachment", [c.no, c.attachments.get().pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("complaint_reveal", args=[c.no])).status_code in (403, 404)
    api = client.get("/api/v1/complaints", {"view": "all"})
    assert api.status_code == 200 and c.no not in api.content.decode()
    assert client.get(f"/api/v1/complaints/{c.no}").status_code == 404
    _hidden(client.get(reverse("complaint_party_committee")).content.decode(), c)
    assert client.get(reverse("complaint_analysis"), {"year": 2026}).status_code == 403
    assert client.get(reverse("complaint_analysis"), {"year": 2026, "format": "xlsx"}).status_code == 403
    # The worklist and its counters.
    assert selectors.counters(users[who]).open == 0
    assert Complaint.objects.visible_to(users[who]).count() == 0
    _hidden(client.get(reverse("home")).content.decode(), c)
    # The ledger (page and export) names the complaint's number and the fine only.
    ledger = client.get(reverse("violation_ledger"), {"period": "2026-03"}).content.decode()
    assert "30" in ledger and SUBJECT not in ledger and CONTENT not in ledger
    export = client.get(reverse("violation_ledger"), {"period": "2026-03", "format": "xlsx"})
    assert export.status_code == 200 and SUBJECT.encode() not in export.content


@MATRIX
def test_the_person_complained_about_reads_the_category_dates_and_outcome_only(client, users, who):
    c = against(users, who)
    client.force_login(users[who])
    html = client.get(reverse("complaint_mine")).content.decode()
    assert c.no in html and CATEGORY in html and "一般投诉" in html and "2026-03-02" in html
    assert "30元" in html and "办理中" in html
    assert SUBJECT not in html and CONTENT not in html and COMPLAINANT not in html and SUGGESTION not in html
    rows = selectors.complaints_concerning(users[who].staff)
    assert [(r.no, r.verified_on, r.class_label) for r in rows] == [(c.no, date(2026, 3, 2), "一般投诉")]
    assert not hasattr(rows[0], "complaint")  # the record itself never reaches the page


@MATRIX
def test_the_person_complained_about_cannot_take_any_step_nor_appeal(client, users, who):
    c = against(users, who)
    user = users[who]
    assert selectors.complaint_allowed_steps(user, c) == set()
    for step in Step:
        with pytest.raises(DomainError) as refused:
            services.complaint_require_step(user, c, step)
        assert refused.value.status in (403, 409), step
    with pytest.raises(DomainError):
        services.complaint_review_report(actor=user, complaint=c, approve=True)
    with pytest.raises(DomainError):
        services.complaint_appeal_file(actor=user, complaint=c, grounds="不是我的责任")
    with pytest.raises(DomainError):
        services.complaint_record_incident(actor=user, complaint=c, kind="police", note="x")
    client.force_login(user)
    for step in ("review", "appeal", "handle", "report", "attach", "incident"):
        assert client.post(reverse("complaint_step", args=[c.no, step]), {}).status_code == 404, step


def test_the_head_still_handles_the_departments_other_complaints(users):
    """The refusal is about the person, not the role: 黄丽 handles a complaint about
    胡晓明 assigned to her department as before."""
    other = register(users, "2026-03-02")
    accept(users, other, "2026-03-02")
    classify(users, other, "2026-03-02")
    determine(users, other, "2026-03-02")
    other.refresh_from_db()
    mine = against(users, "head1")
    assert Step.HANDLE in selectors.complaint_allowed_steps(users["head1"], other)
    assert list(Complaint.objects.visible_to(users["head1"])) == [other]
    assert selectors.department_recused(other) is False and selectors.department_recused(mine) is True
    handle(users["head1"], other, "2026-03-03")


def test_a_complaint_about_the_head_of_the_responsible_department_goes_to_the_office_or_a_leader(
    client, users
):
    day = "2026-03-02"
    c = register(users, day, staff=Staff.objects.get(staff_no="0401"), subject=SUBJECT, content=CONTENT)
    accept(users, c, day)
    classify(users, c, day)
    determine(users, c, day, dept="DK", staff_nos=("0401",))
    teller_case = register(users, day)
    accept(users, teller_case, day)
    classify(users, teller_case, day)
    determine(users, teller_case, day)
    c.refresh_from_db()
    teller_case.refresh_from_db()
    # The office's 待办 takes the department's step of this one only; the head has the other.
    office_todo = selectors.complaint_list(users["office"], view="todo")
    assert c in office_todo and teller_case not in office_todo
    assert selectors.complaint_list(users["head1"], view="todo") == [teller_case]
    assert Step.HANDLE in selectors.complaint_allowed_steps(users["office"], c)
    assert Step.HANDLE in selectors.complaint_allowed_steps(users["leader1"], c)
    assert Step.HANDLE not in selectors.complaint_allowed_steps(users["leader1"], teller_case)
    client.force_login(users["office1"])
    page = client.get(reverse("complaint_detail", args=[c.no])).content.decode()
    assert 'id="recused"' in page and "依回避原则" in page
    assert (
        'id="recused"' not in client.get(reverse("complaint_detail", args=[teller_case.no])).content.decode()
    )
    # A leader takes the department's steps; the office reviews as usual.
    handle(users["leader1"], c, "2026-03-03")
    services.complaint_submit_report(
        actor=users["leader1"],
        complaint=c,
        investigation="情况属实",
        causes="态度问题",
        measures="批评教育",
        communication="已致歉",
        prevention="培训",
        now=at("2026-03-03", "14:00"),
    )
    services.complaint_review_report(
        actor=users["office"], complaint=c, approve=True, now=at("2026-03-03", "16:00")
    )
    c.refresh_from_db()
    assert c.status == Status.REPLYING
    assert c.handlings.get().submitted_by == users["leader1"]


def test_the_administrator_sees_no_complaint_contents_in_the_admin_site(client, users):
    about_admin = against(users, "admin")
    other = against(users, "teller1", day="2026-03-03")
    client.force_login(users["admin"])
    listing = client.get("/admin/complaints/complaint/").content.decode()
    assert other.no in listing
    _hidden(listing.replace(other.no, ""), about_admin)
    page = client.get(f"/admin/complaints/complaint/{other.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert other.no in html
    assert SUBJECT not in html and CONTENT not in html and COMPLAINANT not in html and SUGGESTION not in html
    assert "13800001234" not in html and "经核实责任在窗口经办人" not in html  # contacts, the finding's notes
    assert client.get(f"/admin/complaints/complaint/{about_admin.pk}/change/").status_code == 302  # not found
    for path in ("/admin/complaints/fine/", "/admin/complaints/sanction/", "/admin/audit/auditevent/"):
        html = client.get(path).content.decode()
        assert SUBJECT not in html and CONTENT not in html, path
    fines = client.get("/admin/complaints/fine/").content.decode()
    assert other.no in fines and about_admin.no not in fines


def test_the_pending_calendar_page_lists_no_complaint_about_the_administrator(client, users):
    about_admin = register(users, "2026-12-28", staff=Staff.objects.get(staff_no="0801"))
    other = register(users, "2026-12-28")
    client.force_login(users["admin"])
    html = client.get(reverse("complaint_pending_calendar")).content.decode()
    assert other.no in html and about_admin.no not in html
    assert set(selectors.pending_calendar()) == {about_admin, other}
    assert selectors.pending_calendar(users["admin"]) == [other]


def test_an_office_member_complained_about_neither_sees_nor_handles_it(make_user, users):
    office2 = make_user("office")
    day = "2026-03-02"
    c = register(users, day, staff=office2.staff, subject=SUBJECT, suggestion=SUGGESTION)
    assert c not in Complaint.objects.visible_to(office2)
    assert c in Complaint.objects.visible_to(users["office"])
    assert selectors.complaint_allowed_steps(office2, c) == set()
    with pytest.raises(DomainError) as refused:
        accept({"office": office2}, c, day)
    assert refused.value.status == 403
    accept(users, c, day)  # a colleague takes it
    # The analysis: the centre's figures, but not the lists' rows about the viewer.
    report = complaint_analysis(Period.year(2026), window_days=90)
    theirs = withheld_for(report, office2.staff)
    assert theirs.total.count == report.total.count and theirs.withheld == 1
    assert SUGGESTION in [s.text for s in report.suggestions]
    assert SUGGESTION not in [s.text for s in theirs.suggestions]
    assert c not in theirs.complaints
    assert withheld_for(report, users["office"].staff) is report


def test_the_dashboard_counts_no_complaint_about_the_head_looking(users):
    from reports.dashboard.selectors import _complaint_scope

    c = against(users, "head1")
    scope = _complaint_scope(users["head1"])
    assert scope is not None and not Complaint.objects.filter(scope).filter(pk=c.pk).exists()
    assert Complaint.objects.filter(_complaint_scope(users["office1"])).filter(pk=c.pk).exists()


def test_the_appraisal_page_shows_the_category_not_the_complainants_words(client, users):
    from appraisal import services as appraisal_services

    c = against(users, "teller1")
    quarter = appraisal_services.quarter_open(actor=users["office1"], year=2026, quarter=1)
    client.force_login(users["teller1"])
    html = client.get(reverse("person_detail", args=[quarter.key, "1101"])).content.decode()
    assert c.no in html and "2026-03-02查实" in html
    assert SUBJECT not in html and CONTENT not in html and COMPLAINANT not in html
    _hidden(client.get(reverse("my_appraisal")).content.decode().replace(c.no, ""), c)


def test_a_breach_found_from_a_complaint_shows_its_person_no_complaint_words(client, users):
    c = against(users, "teller1")
    services.complaint_sanction(
        actor=users["office"],
        complaint=c,
        staff=users["teller1"].staff,
        code="criticism",
        also_first_inquiry_breach=True,
    )
    client.force_login(users["teller1"])
    html = client.get(reverse("breach_list")).content.decode()
    assert f"投诉 {c.no} 经查实违反首问负责制" in html
    assert SUBJECT not in html and CONTENT not in html
