"""The window score from the records: inspections counted in the period (voided ones
not), the citizen part through the ratings interface (a fake CitizenScore here, the
real ratings selectors in the last test), per window and per staff member, and the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from appraisal.selectors import window_score_table
from appraisal.tests.conftest import at, staff, window
from common.periods import parse_period
from org.models import Branch
from org.services import api_token_issue
from ratings.scoring import citizen_score
from rules.models import RuleKind
from rules.selectors import rules_in_force
from supervision import services
from supervision.services import FindingInput as F


def inspect(users, kind, win, score_items=(), who=None, day="2026-03-10", actor="inspector1"):
    return services.inspection_record(
        actor=users[actor],
        kind=kind,
        window=window(*win),
        staff=staff(who) if who else None,
        findings=[F(c) for c in score_items],
        pointed_out=True,
        inspected_at=at(day),
    )


@pytest.fixture
def fake_citizen(monkeypatch):
    """Citizen scores by unit id through the agreed interface (CitizenScore)."""
    params = rules_in_force(RuleKind.WINDOW_SCORE, date(2026, 3, 31)).params
    table: dict[tuple[str, int], dict[int, int]] = {}

    def provider(*, start, end, by):
        return {
            unit: citizen_score(
                params=params, counts=counts, unit_id=unit, rules_ref="handan-2021-window-score@1"
            )
            for (kind, unit), counts in table.items()
            if kind == by
        }

    monkeypatch.setattr("appraisal.selectors.citizen_scores", provider)
    return table


def test_a_windows_score_is_the_citizen_part_plus_the_mean_of_each_inspection_type(users, fake_citizen):
    w1, w2 = window("HD01", 1), window("HD01", 2)
    fake_citizen[("window", w1.pk)] = {5: 3, 4: 1}  # 76.00
    fake_citizen[("window", w2.pk)] = {4: 5}  # 64.00
    inspect(users, "daily", ("HD01", 1), ["E05", "E06", "E07", "E08", "E03", "E10", "B03"], who="1101")  # 90
    inspect(
        users, "daily", ("HD01", 1), ["S10", "S09", "B03", "S03", "E03", "E06"], who="1101", day="2026-03-20"
    )  # 80
    inspect(users, "leader", ("HD01", 1), ["P05"], who="1101", actor="leader1")  # 95
    inspect(
        users, "surprise", ("HD01", 2), ["D08", "S10", "S09", "B01"], who="1102"
    )  # 100 − 20 − 10 − 5 − 5 = 60
    voided = inspect(users, "daily", ("HD01", 2), ["D08"], who="1102")
    services.inspection_void(actor=users["office1"], inspection=voided, reason="登记错误")
    inspect(users, "daily", ("HD01", 2), ["D08"], who="1102", day="2026-04-01")  # another period
    table = window_score_table(parse_period("2026-03"), by="window", branch_ids=frozenset({w1.branch_id}))
    rows = {r.unit_id: r for r in table.rows}
    one, two = rows[w1.pk], rows[w2.pk]
    assert [str(p.points) for p in one.supervision.parts] == ["8.50", "5.00", "4.75"]
    assert (one.citizen, one.total, one.rank) == (Decimal("76.00"), Decimal("94.25"), 1)
    assert "突击检查未检查" in one.flags
    assert [str(p.points) for p in two.supervision.parts] == ["10.00", "3.00", "5.00"]
    assert (two.total, two.rank) == (Decimal("82.00"), 2)
    three = rows[window("HD01", 3).pk]
    assert (three.citizen, three.total, three.rank, str(three.supervision.total)) == (
        None,
        None,
        None,
        "20.00",
    )
    assert three.flags[0] == "无评价"
    assert table.rules_ref == "handan-2021-window-score@1" and table.citizen_available


def test_the_staff_table_scores_each_person_by_the_inspections_recorded_against_them(users, fake_citizen):
    fake_citizen[("staff", staff("1103").pk)] = {5: 1}
    inspect(users, "daily", ("HD01", 3), ["S04"], who="1103")  # 97
    inspect(users, "daily", ("HD01", 4), ["S04"], who="1104")
    table = window_score_table(
        parse_period("2026-Q1"), by="staff", branch_ids=frozenset({staff("1103").branch_id})
    )
    rows = {r.label: r for r in table.rows}
    he = rows["何平（1103）"]
    assert (str(he.citizen), str(he.supervision.parts[0].points), str(he.total)) == ("80.00", "9.70", "99.70")
    assert "黄丽（0401）" not in rows  # the head is not window staff
    assert all(r.group_label == "中心服务大厅" for r in table.rows)


def test_without_the_ratings_provider_no_citizen_score_is_invented(users, monkeypatch):
    from appraisal.citizen import CitizenUnavailable

    def unavailable(**kw):
        raise CitizenUnavailable("好差评模块尚未提供职工评价得分。")

    monkeypatch.setattr("appraisal.selectors.citizen_scores", unavailable)
    table = window_score_table(parse_period("2026-03"), by="window")
    assert not table.citizen_available and "尚未提供" in table.citizen_note
    assert all(r.total is None and r.citizen is None for r in table.rows)


def test_the_real_ratings_interface_answers_with_no_ratings_as_no_score(users):
    table = window_score_table(parse_period("2026-03"), by="window")
    assert table.citizen_available
    assert all(r.citizen is None for r in table.rows)


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(actor='test', user=user, name='测试')}"}


def test_the_scores_api_checks_roles_and_branches(client, users, fake_citizen):
    w1 = window("HD01", 1)
    fake_citizen[("window", w1.pk)] = {5: 3, 4: 1}
    inspect(users, "daily", ("HD01", 1), ["E05"], who="1101")
    assert client.get("/api/v1/scores/windows?period=2026-03").status_code == 401
    assert client.get("/api/v1/scores/windows?period=2026-03", **bearer(users["teller1"])).status_code == 403
    body = client.get("/api/v1/scores/windows?period=2026-03", **bearer(users["office1"])).json()
    assert {r["branch_code"] for r in body["rows"]} == {"HD01", "WA01", "SX01"}
    row = next(r for r in body["rows"] if r["unit_id"] == w1.pk)
    assert (row["citizen"], row["supervision"]["total"], row["total"], row["rank"]) == (
        "76.00",
        "19.80",
        "95.80",
        1,
    )
    assert [p["code"] for p in row["supervision"]["parts"]] == ["daily", "surprise", "leader"]
    assert row["supervision"]["parts"][1]["uninspected"] is True
    head = client.get("/api/v1/scores/windows?period=2026-03", **bearer(users["head1"])).json()
    assert {r["branch_code"] for r in head["rows"]} == {"HD01"}
    other = client.get("/api/v1/scores/windows?period=2026-03&branch=WA01", **bearer(users["head1"]))
    assert other.status_code == 403
    bad = client.get("/api/v1/scores/windows?period=2026-13", **bearer(users["office1"]))
    assert bad.status_code == 422 and "月份" in bad.json()["message"]
    staff_rows = client.get(
        "/api/v1/scores/windows?period=2026-Q1&by=staff&branch=WA01", **bearer(users["office1"])
    )
    assert {r["branch_code"] for r in staff_rows.json()["rows"]} == {"WA01"}
    assert Branch.objects.count() == 3
