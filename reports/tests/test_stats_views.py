"""Statistics pages, exports and API: who may see them, what they show, what they export."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from common import clock
from org.models import Branch, Centre, Role, Window
from queueing.models import TicketStatus
from reports.stats.testing import at, make_ticket

SECTIONS = ["/stats/", "/stats/appointments/", "/stats/cases/", "/stats/ratings/", "/stats/complaints/"]
API = ["queue", "appointments", "cases", "ratings", "complaints"]


@pytest.fixture
def hall(db, make_user):
    centre = Centre.objects.create(code="HDV", name="测试中心")
    branch = Branch.objects.create(centre=centre, code="HDV1", name="测试大厅")
    other = Branch.objects.create(centre=centre, code="HDV2", name="另一大厅")
    w1 = Window.objects.create(branch=branch, number=1, categories=["withdrawal"])
    w9 = Window.objects.create(branch=other, number=1, categories=["withdrawal"])
    s1 = make_user(Role.TELLER, branch=branch).staff
    s9 = make_user(Role.TELLER, branch=other).staff
    today = clock.today()
    for day in (today - timedelta(days=1), today):
        for i in range(3):
            make_ticket(
                branch=branch,
                day=day,
                taken=(9, i),
                wait_minutes=4 + i,
                service_minutes=6,
                window=w1,
                staff=s1,
            )
        make_ticket(
            branch=branch,
            day=day,
            taken=(10, 0),
            status=TicketStatus.NO_SHOW,
            wait_minutes=30,
            window=w1,
            staff=s1,
        )
        make_ticket(
            branch=other, day=day, taken=(9, 0), wait_minutes=50, service_minutes=6, window=w9, staff=s9
        )
    return {"branch": branch, "other": other, "w1": w1, "w9": w9, "s1": s1, "s9": s9}


def _kpi(html: str, key: str) -> str:
    match = re.search(rf'id="kpi-{key}">\s*<div class="num">([^<]*)<', html)
    assert match, key
    return match.group(1).strip()


@pytest.mark.parametrize("url", SECTIONS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, hall, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.TELLER, Role.GUIDE])
@pytest.mark.parametrize("url", SECTIONS)
def test_tellers_and_guides_may_not_see_statistics(client, hall, make_user, role, url):
    client.force_login(make_user(role, branch=hall["branch"]))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", [Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN])
@pytest.mark.parametrize("url", SECTIONS)
def test_the_centre_roles_see_every_statistics_page(client, hall, make_user, role, url):
    client.force_login(make_user(role))
    response = client.get(url + "?period=this_week")
    assert response.status_code == 200
    assert "运营统计" in response.content.decode()


def test_the_queue_page_shows_the_figures_of_the_whole_centre(client, hall, make_user):
    client.force_login(make_user(Role.OFFICE))
    html = client.get("/stats/?period=today").content.decode()
    assert 'id="kpi-taken"' in html
    assert _kpi(html, "taken") == "5"  # 4 at hall 1 + 1 at the other hall
    assert "80% 的号在 20 分钟内叫号" in html
    assert "echarts-5.6.0.min.js" in html and "cdn" not in html.lower()


def test_a_department_head_sees_only_their_branch(client, hall, make_user):
    client.force_login(make_user(Role.HEAD, branch=hall["branch"]))
    html = client.get("/stats/?period=today").content.decode()
    assert _kpi(html, "taken") == "4"
    assert "另一大厅" not in html


@pytest.mark.parametrize("param", ["branch", "window", "staff"])
def test_a_department_head_asking_for_another_branch_is_refused(client, hall, make_user, param):
    client.force_login(make_user(Role.HEAD, branch=hall["branch"]))
    target = {"branch": hall["other"].pk, "window": hall["w9"].pk, "staff": hall["s9"].pk}[param]
    assert client.get(f"/stats/?{param}={target}").status_code == 403
    assert client.get(f"/stats/?{param}={target}&format=xlsx").status_code == 403
    assert client.get(f"/api/v1/stats/queue?{param}={target}").status_code == 403


def test_a_bad_date_shows_a_message_and_a_400(client, hall, make_user):
    client.force_login(make_user(Role.OFFICE))
    response = client.get("/stats/?start=2026-02-30")
    assert response.status_code == 400
    assert "不是有效的日期" in response.content.decode()
    response = client.get("/api/v1/stats/queue?start=2026-02-30")
    assert response.status_code == 400 and response.json()["error"] == "invalid_input"


def test_an_unknown_period_shows_a_message_and_a_400(client, hall, make_user):
    client.force_login(make_user(Role.OFFICE))
    response = client.get("/stats/?period=last90")
    assert response.status_code == 400 and "未知的统计期间" in response.content.decode()
    response = client.get("/api/v1/stats/queue?period=last90")
    assert response.status_code == 400 and response.json()["error"] == "invalid_input"


def test_an_unknown_section_is_a_404(client, hall, make_user):
    client.force_login(make_user(Role.OFFICE))
    assert client.get("/api/v1/stats/salaries").status_code in (404, 422)


@pytest.mark.parametrize("url", SECTIONS)
def test_a_page_needs_a_bounded_number_of_queries(
    client, hall, make_user, django_assert_max_num_queries, url
):
    user = make_user(Role.OFFICE)
    client.force_login(user)
    client.get(url + "?period=this_month")  # warm the per-process caches (calendar, rules)
    with django_assert_max_num_queries(30):
        assert client.get(url + "?period=this_month").status_code == 200


def test_the_query_count_does_not_grow_with_the_number_of_windows_and_staff(client, hall, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user(Role.OFFICE))
    client.get("/stats/?period=today")
    with CaptureQueriesContext(connection) as before:
        client.get("/stats/?period=today")
    day = clock.today()
    for n in range(2, 8):
        w = Window.objects.create(branch=hall["branch"], number=n, categories=["withdrawal"])
        s = make_user(Role.TELLER, branch=hall["branch"]).staff
        make_ticket(
            branch=hall["branch"],
            day=day,
            taken=(11, n),
            wait_minutes=3,
            service_minutes=5,
            window=w,
            staff=s,
        )
    with CaptureQueriesContext(connection) as after:
        client.get("/stats/?period=today")
    assert len(after.captured_queries) == len(before.captured_queries)


# --- API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("section", API)
def test_the_api_needs_a_login_or_a_token(client, hall, section):
    assert client.get(f"/api/v1/stats/{section}").status_code == 401


@pytest.mark.parametrize("section", API)
def test_the_api_refuses_a_teller(client, hall, make_user, section):
    client.force_login(make_user(Role.TELLER, branch=hall["branch"]))
    assert client.get(f"/api/v1/stats/{section}").status_code == 403


@pytest.mark.parametrize("section", API)
def test_the_api_gives_the_figures_to_the_office(client, hall, make_user, section):
    client.force_login(make_user(Role.OFFICE))
    body = client.get(f"/api/v1/stats/{section}?period=today").json()
    assert body["section"] == section and body["figures"] and isinstance(body["tables"], list)


def test_the_api_takes_a_bearer_token_and_gives_the_same_figures_as_the_page(client, hall, make_user):
    from org.services import api_token_issue

    user = make_user(Role.LEADER)
    token = api_token_issue(actor="test", user=user, name="报表")
    body = client.get("/api/v1/stats/queue?period=today", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    figures = {f["key"]: f["value"] for f in body["figures"]}
    assert figures["taken"] == 5 and figures["no_show"] == 1
    assert body["sources"]["target_minutes"] == 20 and body["sources"]["target_share_percent"] == 80
    windows = next(t for t in body["tables"] if t["key"] == "windows")
    assert {r["window"] for r in windows["rows"]} == {"测试大厅 1号窗口", "另一大厅 1号窗口"}


def test_a_head_gets_their_branch_from_the_api(client, hall, make_user):
    client.force_login(make_user(Role.HEAD, branch=hall["branch"]))
    body = client.get("/api/v1/stats/queue?period=today").json()
    assert {f["key"]: f["value"] for f in body["figures"]}["taken"] == 4


# --- Excel ---------------------------------------------------------------------------------


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(BytesIO(response.content))


def test_the_queue_export_opens_with_a_sheet_per_table(client, hall, make_user):
    from audit.models import AuditEvent

    client.force_login(make_user(Role.OFFICE))
    wb = _workbook(client.get("/stats/?period=this_week&format=xlsx"))
    assert wb.sheetnames[0] == "概况"
    assert {"按窗口", "按工作人员", "按业务类别", "每日"} <= set(wb.sheetnames)
    ws = wb["按窗口"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["窗口", "取号", "叫号", "办结"]
    assert ws[1][0].font.bold and ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 10
    rate_col = header.index("达标率") + 1
    assert ws.cell(row=2, column=rate_col).number_format == "0.0%"
    assert AuditEvent.objects.filter(action="reports.stats.export").exists()


def test_the_case_export_masks_the_applicants(client, hall, make_user):
    from cases.models import Case
    from catalog.models import MatterVersion

    user = make_user(Role.TELLER, branch=hall["branch"])
    version = MatterVersion.objects.select_related("matter").order_by("pk").first()
    today = clock.today()
    Case.objects.create(
        receipt_no="HDV1-X-0001",
        idempotency_key=uuid.uuid4(),
        branch=hall["branch"],
        matter=version.matter,
        version=version,
        handling_type="promised",
        promised_days=5,
        applicant_kind="person",
        applicant_name="欧阳明月",
        applicant_id_number="110105194912310021",
        applicant_phone="13912345678",
        received_at=at(today, 9),
        received_on=today,
        first_responsible=hall["s1"],
        registered_by=user,
        status="delivered",
        overdue=True,
        query_password_hash="x",
    )
    client.force_login(make_user(Role.LEADER))
    wb = _workbook(client.get("/stats/cases/?period=today&format=xlsx"))
    text = "\n".join(
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    )
    assert "HDV1-X-0001" in text
    assert "欧阳明月" not in text and "13912345678" not in text and "110105194912310021" not in text
    assert "欧阳**" in text or "欧**月" in text
    assert "139****5678" in text


@pytest.mark.parametrize("url", [u + "?format=xlsx" for u in SECTIONS])
def test_every_page_exports_a_workbook(client, hall, make_user, url):
    client.force_login(make_user(Role.INSPECTOR))
    wb = _workbook(client.get(url))
    assert len(wb.sheetnames) >= 2


def test_an_export_is_refused_to_a_teller(client, hall, make_user):
    client.force_login(make_user(Role.TELLER, branch=hall["branch"]))
    assert client.get("/stats/?format=xlsx").status_code == 403


def test_the_rollup_command_rolls_up_yesterday_and_refuses_today(hall):
    from django.core.management import CommandError, call_command

    from reports.models import RollupRun, TicketRollup

    call_command("reports_rollup")
    yesterday = clock.today() - timedelta(days=1)
    assert RollupRun.objects.filter(day=yesterday).count() == 2
    assert TicketRollup.objects.filter(service_date=yesterday).exists()
    with pytest.raises(CommandError, match="尚未结束"):
        call_command("reports_rollup", "--date", clock.today().isoformat())
    with pytest.raises(CommandError, match="无效"):
        call_command("reports_rollup", "--date", "yesterday")
