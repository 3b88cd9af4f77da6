"""Every staff page: anonymous (→ login), a wrong role (403), another branch (404), the
right role (200), with the forms working end to end and the query counts of the lists."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseStatus, Reminder
from cases.tests.conftest import MOBILE, PERSON_ID, at, first_material, marks_for

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def case(register):
    return register("DK015", when=at(2026, 3, 16, 10))


# --- Access matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "allowed", "refused"),
    [
        ("case_worklist", [], ["teller1", "head1", "office1", "leader1", "inspector1", "admin"], ["guide1"]),
        ("case_accept", [], ["teller1", "head1"], ["office1", "leader1", "guide1", "admin"]),
        ("case_accept_matter", ["DK015"], ["teller1", "head1"], ["office1", "guide1"]),
        ("case_overdue_report", [], ["office1", "leader1"], ["teller1", "head1", "guide1", "admin"]),
        ("case_pending_calendar", [], ["admin", "office1"], ["teller1", "leader1", "guide1"]),
    ],
)
def test_each_page_checks_the_role(client, users, clock, name, args, allowed, refused):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for username in refused:
        client.force_login(users[username])
        assert client.get(url).status_code == 403, username
    for username in allowed:
        client.force_login(users[username])
        assert client.get(url).status_code == 200, username


def test_the_case_page_is_seen_by_its_branch_and_the_centre_only(client, users, case):
    url = reverse("case_detail", args=[case.receipt_no])
    assert client.get(url).status_code == 302
    _login(client, users["guide1"])
    assert client.get(url).status_code == 403
    _login(client, users["teller3"])  # 武安: another branch
    assert client.get(url).status_code == 404
    for name in ("teller1", "head1", "office1", "leader1", "inspector1"):
        _login(client, users[name])
        assert client.get(url).status_code == 200, name


def test_the_case_page_masks_the_applicant_for_staff_who_do_not_handle_it(client, users, case):
    _login(client, users["office1"])
    page = client.get(reverse("case_detail", args=[case.receipt_no])).content.decode()
    assert PERSON_ID not in page and MOBILE not in page
    assert "1304**********0027" in page and "138****1234" in page
    _login(client, users["teller1"])
    page = client.get(reverse("case_detail", args=[case.receipt_no])).content.decode()
    assert PERSON_ID in page and MOBILE in page


def test_an_action_checks_branch_and_role(client, users, case):
    url = reverse("case_action", args=[case.receipt_no, "complete"])
    data = {"complete-outcome": "approved", "complete-result": "准予贷款"}
    assert client.post(url, data).status_code == 302  # to the login page
    _login(client, users["teller3"])
    assert client.post(url, data).status_code == 404
    _login(client, users["inspector1"])
    assert client.post(url, data).status_code == 403
    _login(client, users["teller1"])
    assert client.get(url).status_code == 405
    response = client.post(url, data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED


def test_a_refused_step_shows_its_reason_on_the_case_page(client, users, case):
    _login(client, users["teller1"])
    response = client.post(
        reverse("case_action", args=[case.receipt_no, "complete"]),
        {"complete-outcome": "refused", "complete-result": "不予批准"},
    )
    assert response.status_code == 422
    assert "须书面说明不予批准的理由" in response.content.decode()


def test_printed_notices_are_pdfs_and_pages(client, users, case):
    pdf = reverse("case_print", args=[case.receipt_no, "acceptance", "pdf"])
    html = reverse("case_print", args=[case.receipt_no, "acceptance", "html"])
    assert client.get(pdf).status_code == 302
    _login(client, users["guide1"])
    assert client.get(pdf).status_code == 403
    _login(client, users["teller3"])
    assert client.get(pdf).status_code == 404
    _login(client, users["teller1"])
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    page = client.get(html).content.decode()
    assert "受理通知单" in page and case.receipt_no in page
    # A form the case does not have is not there.
    assert client.get(reverse("case_print", args=[case.receipt_no, "completion", "pdf"])).status_code == 404


def test_the_reminder_of_another_person_cannot_be_dismissed(client, users, case, clock):
    clock.set(2026, 3, 20, 7)  # deadline 23 Mar (Mon): Friday is due soon
    services.cases_sweep(now=clock())
    reminder = Reminder.objects.get(case=case)
    url = reverse("case_reminder_seen", args=[reminder.pk])
    _login(client, users["teller2"])
    assert client.post(url).status_code == 404
    _login(client, users["teller1"])
    page = client.get(reverse("case_worklist")).content.decode()
    assert "将于2026年3月23日到期" in page
    assert client.post(url).status_code == 302
    reminder.refresh_from_db()
    assert reminder.seen_at is not None


# --- Acceptance through the pages -----------------------------------------------------------


def _accept_data(code: str, *, missing: tuple[str, ...] = (), idem: str | None = None) -> dict:
    data = {
        "idem": idem or "0b5c7c1e-7f1f-4a52-9d0c-1f6d0e3c2a11",
        "name": "李明",
        "id_number": PERSON_ID,
        "phone": MOBILE,
        "channel": "counter",
        "delivery_method": "pickup",
        "decision": "accept",
    }
    for code_, mark in marks_for(code, missing=missing).items():
        data[f"m_{code_}"] = mark.status
        data[f"n_{code_}"] = mark.note
    return data


def test_a_teller_accepts_a_case_and_sees_the_password_once(client, users, clock):
    clock.set(2026, 11, 23, 10)
    _login(client, users["teller1"])
    url = reverse("case_accept_matter", args=["DK015"])
    page = client.get(url).content.decode()
    assert 'name="idem"' in page and "申报材料" in page
    response = client.post(url, _accept_data("DK015"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert response.url == reverse("case_detail", args=[case.receipt_no])
    first = client.get(response.url).content.decode()
    password = re.search(r'class="secret">(\d{6})<', first).group(1)
    assert services.case_public_lookup(case.receipt_no, password) is not None
    again = client.get(response.url).content.decode()
    assert password not in again  # shown once …
    # … but still printed on the citizen's part for a while.
    pdf_html = client.get(
        reverse("case_print", args=[case.receipt_no, "acceptance", "html"])
    ).content.decode()
    assert password in pdf_html
    # A double submission of the same form makes no second case.
    response = client.post(url, _accept_data("DK015"))
    assert response.status_code == 302 and Case.objects.count() == 1


def test_the_acceptance_form_explains_what_is_wrong(client, users, clock):
    _login(client, users["teller1"])
    data = _accept_data("DK015")
    data["id_number"] = "130402198807150028"
    response = client.post(reverse("case_accept_matter", args=["DK015"]), data)
    assert response.status_code == 422
    assert "校验位" in response.content.decode()
    data = _accept_data("DK015")
    data.update(decision="reject", rejection_ground="conditions_not_met", rejection_reason="材料不全")
    response = client.post(reverse("case_accept_matter", args=["DK015"]), data)
    assert response.status_code == 422 and "补办件通知单" in response.content.decode()
    assert not Case.objects.exists()


def test_a_supplement_is_registered_and_completed_through_the_pages(client, users, clock):
    clock.set(2026, 11, 23, 10)
    _login(client, users["teller1"])
    missing = first_material("DK015")
    client.post(reverse("case_accept_matter", args=["DK015"]), _accept_data("DK015", missing=(missing,)))
    case = Case.objects.get()
    assert case.status == CaseStatus.SUPPLEMENT
    page = client.get(reverse("case_detail", args=[case.receipt_no])).content.decode()
    assert "补办件通知单" in page and "登记补正材料" in page
    pdf = client.get(reverse("case_print", args=[case.receipt_no, "supplement", "pdf"]))
    assert pdf.status_code == 200
    code = case.materials.get(status="missing").material.code
    clock.set(2026, 11, 24, 9)
    client.post(reverse("case_action", args=[case.receipt_no, "supplement"]), {"supplement-codes": [code]})
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.deadline == date(2026, 12, 1)


def test_acceptance_from_the_served_ticket_links_it(client, users, clock, monkeypatch):
    from org.models import Branch, Window
    from queueing import services as queue
    from queueing.models import TicketStatus

    clock.set(2026, 11, 23, 10)
    hd01 = Branch.objects.get(code="HD01")
    queue.hall_setup(actor="test", branch=hd01)
    ticket = queue.ticket_take(actor="kiosk", branch=hd01, category="collection")
    window = Window.objects.get(branch=hd01, number=1)
    staff = users["teller1"].staff
    queue.ticket_call_next(actor=users["teller1"], staff=staff, window=window)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED
    _login(client, users["teller1"])
    page = client.get(reverse("case_accept") + f"?ticket={ticket.pk}").content.decode()
    assert ticket.display_number in page and "归集" in page
    url = reverse("case_accept_matter", args=["DK015"]) + f"?ticket={ticket.pk}"
    data = _accept_data("DK015")
    data["ticket"] = str(ticket.pk)
    assert client.post(url, data).status_code == 302
    case = Case.objects.get()
    assert case.ticket_id == ticket.pk and case.window_id == window.pk
    # Another teller cannot accept from this ticket: the case is registered without it.
    _login(client, users["teller2"])
    page = client.get(reverse("case_accept") + f"?ticket={ticket.pk}").content.decode()
    assert "不是您在窗口正在办理的号" in page


# --- Lists and their query counts -----------------------------------------------------------


def test_the_worklist_counts_and_lists_with_a_fixed_number_of_queries(
    client, users, register, django_assert_max_num_queries
):
    for day in (16, 17, 18):
        register("DK015", when=at(2026, 3, day, 10))
    register("DK015", when=at(2026, 3, 16, 11), missing=(first_material("DK015"),))
    _login(client, users["teller1"])
    with django_assert_max_num_queries(16):
        page = client.get(reverse("case_worklist") + "?view=all").content.decode()
    assert page.count("HD01-202603") >= 4
    for day in (19, 20):
        register("DK015", when=at(2026, 3, day, 10))
    with django_assert_max_num_queries(16):
        client.get(reverse("case_worklist") + "?view=all")
    response = client.get(
        reverse("case_worklist") + "?view=supplement", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-list"
    )
    assert "<nav" not in response.content.decode() and "待补正材料" in response.content.decode()


def test_the_overdue_report_groups_by_branch_and_department_with_reasons(client, users, register, clock):
    case = register("DK015", when=at(2026, 9, 30))
    clock.set(2026, 10, 14, 7)
    services.cases_sweep(now=clock())
    _login(client, users["office1"])
    page = client.get(reverse("case_overdue_report") + "?start=2026-10-01&end=2026-10-31").content.decode()
    assert case.receipt_no in page and "中心服务大厅" in page
    assert "无正当理由超过承诺时限未能办结" in page
    export = client.get(reverse("case_overdue_report") + "?start=2026-10-01&end=2026-10-31&format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(export.content))
    rows = list(book["办件与情形"].values)
    assert rows[1][0] == case.receipt_no and rows[1][5] == "李*" and rows[1][6] == "138****1234"
    assert "无正当理由超过承诺时限未能办结" in rows[1][9]


def test_the_pending_calendar_page_lists_and_recomputes(client, users, register, clock):
    case = register("DK015", when=at(2026, 12, 28))
    _login(client, users["admin"])
    page = client.get(reverse("case_pending_calendar")).content.decode()
    assert case.receipt_no in page and "2027年" in page
    response = client.post(reverse("case_pending_calendar"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.deadline_pending  # 2027 is still not published


def test_the_menu_offers_the_case_pages_by_role(client, users):
    _login(client, users["teller1"])
    page = client.get(reverse("case_worklist")).content.decode()
    assert 'href="/cases/accept/"' in page
    _login(client, users["office1"])
    page = client.get(reverse("case_worklist")).content.decode()
    assert 'href="/cases/overdue/"' in page and 'href="/cases/accept/"' not in page


def test_the_remaining_staff_endpoints_check_access(client, users, register):
    from cases.models import Handover
    from org.models import Department

    case = register("DK016", when=at(2026, 11, 23, 10))
    services.case_handover_register(
        actor=users["teller1"], case=case, departments=[Department.objects.get(code="GJ")], limit_days=2
    )
    ext = services.case_extension_request(
        actor=users["teller1"],
        case=case,
        reason="需要核实材料",
        requested_deadline=date(2026, 12, 9),
        explained_to_applicant=True,
    )
    handover = Handover.objects.get()
    urls = {
        "extension_pdf": (reverse("case_extension_print", args=[case.receipt_no, ext.number, "pdf"]), "get"),
        "password": (reverse("case_password_reset", args=[case.receipt_no]), "post"),
        "handover_answer": (
            reverse("case_handover_action", args=[case.receipt_no, handover.pk, "answer"]),
            "post",
        ),
    }
    for name, (url, method) in urls.items():
        client.logout()
        response = getattr(client, method)(url, {"opinion": "同意"})
        assert response.status_code == 302 and reverse("login") in response.url, name
        _login(client, users["guide1"])
        assert getattr(client, method)(url, {"opinion": "同意"}).status_code == 403, name
        _login(client, users["teller3"])
        assert getattr(client, method)(url, {"opinion": "同意"}).status_code == 404, name
    _login(client, users["teller1"])
    pdf = client.get(urls["extension_pdf"][0])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # teller1 is not in 归集处: answering the handover is refused.
    assert client.post(urls["handover_answer"][0], {"opinion": "同意"}).status_code == 403
    _login(client, users["inspector1"])  # may see the case, may not reset its password
    assert client.post(urls["password"][0]).status_code == 403
    _login(client, users["teller1"])
    assert client.post(urls["password"][0]).status_code == 302


# --- The home page's 我的待办 ----------------------------------------------------------------


def test_the_home_page_lists_the_cases_waiting_for_the_teller(client, users, register, clock):
    case = register("DK015", when=at(2026, 3, 16, 10))
    assert case.deadline is not None
    # The home page asks the clock for today; make it the case's deadline day.
    clock.set(case.deadline.year, case.deadline.month, case.deadline.day, 10)
    page = _login(client, users["teller1"]).get(reverse("home")).content.decode()
    assert "我的待办" in page and "今日到期" in page
    assert f"{reverse('case_worklist')}?view=today" in page


def test_the_home_page_says_when_nothing_waits(client, users):
    page = _login(client, users["guide1"]).get(reverse("home")).content.decode()
    assert "暂无待办事项" in page
