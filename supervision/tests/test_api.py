"""The supervision API: checklist and inspections (an inspector's tablet app records them
with a token), the ledger by role, overdue issue notices and facilities."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from common import clock
from org.models import Branch
from org.services import api_token_issue
from supervision import services
from supervision.models import Inspection, IssueNotice
from supervision.tests.conftest import badge, patrol


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(actor='test', user=user, name='测试')}"}


def test_the_checklist_needs_a_supervision_role(client, users):
    assert client.get("/api/v1/inspections/checklist").status_code == 401
    assert client.get("/api/v1/inspections/checklist", **bearer(users["teller1"])).status_code == 403
    rows = client.get("/api/v1/inspections/checklist?kind=leader", **bearer(users["leader1"])).json()
    assert {r["polarity"] for r in rows} == {"negative", "positive"}
    assert (
        client.get("/api/v1/inspections/checklist?kind=weekly", **bearer(users["office1"])).status_code == 422
    )


def test_a_tablet_records_an_inspection_with_a_token(client, users):
    body = {
        "kind": "daily",
        "branch_code": "HD01",
        "window_number": 3,
        "staff_no": "1103",
        "findings": [{"code": "S04", "note": "未佩戴"}, {"code": "E05"}],
    }
    response = client.post(
        "/api/v1/inspections", body, content_type="application/json", **bearer(users["inspector1"])
    )
    assert response.status_code == 201, response.json()
    out = response.json()
    assert (out["sheet_score"], out["full_marks"], out["staff_no"]) == (95, 100, "1103")
    assert {f["code"]: f["violation_no"] is not None for f in out["findings"]} == {"S04": True, "E05": False}
    refused = client.post(
        "/api/v1/inspections", body, content_type="application/json", **bearer(users["teller1"])
    )
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    missing = client.post(
        "/api/v1/inspections",
        {**body, "window_number": 99},
        content_type="application/json",
        **bearer(users["inspector1"]),
    )
    assert missing.status_code == 404 and "99 号窗口" in missing.json()["message"]
    bad = client.post(
        "/api/v1/inspections",
        {**body, "findings": [{"code": "P01"}]},
        content_type="application/json",
        **bearer(users["inspector1"]),
    )
    assert bad.status_code == 422 and "不适用" in bad.json()["message"]
    assert Inspection.objects.count() == 1


def test_inspections_of_a_period(client, users):
    client.post(
        "/api/v1/inspections",
        {"kind": "daily", "branch_code": "HD01", "window_number": 1},
        content_type="application/json",
        **bearer(users["inspector1"]),
    )
    today = clock.today()
    rows = client.get(f"/api/v1/inspections?period={today:%Y-%m}", **bearer(users["head1"])).json()
    assert len(rows) == 1 and rows[0]["sheet_score"] == 100
    assert client.get(f"/api/v1/inspections?period={today:%Y-%m}", **bearer(users["head_wa"])).json() == []
    assert client.get("/api/v1/inspections?period=26-03", **bearer(users["office1"])).status_code == 422


def test_the_ledger_answers_each_role_with_what_it_may_see(client, users):
    patrol(users, "2026-03-02", badge(), badge("1101"))
    everyone = client.get("/api/v1/violations?period=2026-03", **bearer(users["office1"])).json()
    assert (everyone["total_amount"], everyone["count_active"], len(everyone["rows"])) == (20, 2, 2)
    mine = client.get("/api/v1/violations?period=2026-03", **bearer(users["teller2"])).json()
    assert [r["offender_name"] for r in mine["rows"]] == ["何平"]
    assert client.get("/api/v1/violations?period=2026-03").status_code == 401


def test_overdue_notices_and_facilities_needing_attention(client, users):
    report = services.tp_report_register(
        actor=users["office1"],
        firm="甲",
        year=2026,
        quarter=1,
        received_on=date(2026, 4, 2),
        methods=["site_check"],
    )
    finding = services.tp_finding_add(
        actor=users["office1"],
        report=report,
        branch=Branch.objects.get(code="WA01"),
        aspect="environment",
        observed_on=date(2026, 3, 3),
        description="缺雨伞",
    )
    notice = services.notice_issue(
        actor=users["office1"],
        finding=finding,
        requirements="补齐",
        deadline=clock.today() + timedelta(days=3),
    )
    IssueNotice.objects.filter(pk=notice.pk).update(deadline=clock.today() - timedelta(days=1))
    rows = client.get("/api/v1/issue-notices?view=overdue", **bearer(users["head_wa"])).json()
    assert [(r["no"], r["overdue"]) for r in rows] == [(notice.no, True)]
    assert client.get("/api/v1/issue-notices?view=overdue", **bearer(users["head1"])).json() == []
    services.facility_register(
        actor=users["office1"],
        branch=Branch.objects.get(code="HD01"),
        kind="extinguisher",
        name="灭火器",
        location="入口",
        valid_until=clock.today() - timedelta(days=1),
    )
    rows = client.get("/api/v1/facilities/attention", **bearer(users["inspector1"])).json()
    assert [(r["location"], r["state"]) for r in rows] == [("入口", "expired")]
    assert client.get("/api/v1/facilities/attention", **bearer(users["teller1"])).status_code == 403


pytestmark = pytest.mark.django_db
