"""The yearly analysis (000 §五(四)12) checked against the seeded year 2025 of
complaints/demo.py. The expected figures are worked out by hand from the nine
complaints, as of 31 December 2025:

    C1 03-03 DK 胡晓明 general  replied on time  satisfied      archived
    C2 03-20 DK 胡晓明 general  late, reopened, on time  basic  (same phone as C1)
    C3 05-12 WAGL 谢娜 major    joint review, on time  satisfied
    C4 06-09 —  (SX01) invalid  on time  unreachable
    C5 07-01 DK 何平  general   settled on the spot  satisfied
    C6 09-29 DK 胡晓明 general  anonymous web, on time across 国庆  satisfied (web)
    C7 11-17 WAGL 谢娜 general  with the department, due 11-24: overdue
    C8 12-29 —  (HD01) received only, due 2026-01-06
    C9 12-01 SXGL 曹丽 general  on time, unsatisfied 12-24, reopened, due 12-31
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from common.periods import Period
from complaints.analysis import complaint_analysis, percent
from complaints.demo import seed_complaint_year

pytestmark = pytest.mark.django_db

YEAR_END = date(2025, 12, 31)


@pytest.fixture
def year(users):
    return seed_complaint_year()


def analyse(window: int = 90):
    return complaint_analysis(Period.year(2025), window_days=window, today=YEAR_END)


def test_the_totals_of_the_year(year):
    report = analyse()
    t = report.total
    assert (t.count, t.valid, t.major) == (9, 7, 1)
    # due: C1–C6 and C9 answered, C7 overdue without an answer; late: C2 (first answer), C7
    assert (t.due, t.on_time, t.on_time_rate) == (8, 6, Fraction(3, 4))
    # last follow-up: C1 C3 C5 C6 satisfied, C2 basic, C9 unsatisfied, C4 unreachable (not counted)
    assert (t.reached, t.satisfied, percent(t.satisfaction_rate)) == (6, 5, "83.3%")
    assert t.reopened == 2
    assert (report.open_count, report.overdue_open) == (3, 1)


def test_per_department_and_branch(year):
    report = analyse()
    rows = {g.label: g.quality for g in report.by_department}
    assert list(rows) == ["贷款服务大厅", "未认定责任部门", "武安市管理部", "涉县管理部"]
    dk, none, wa, sx = rows["贷款服务大厅"], rows["未认定责任部门"], rows["武安市管理部"], rows["涉县管理部"]
    assert (dk.count, dk.valid, dk.due, dk.on_time, dk.reached, dk.satisfied, dk.reopened) == (
        4,
        4,
        4,
        3,
        4,
        4,
        1,
    )
    assert (wa.count, wa.valid, wa.major, wa.due, wa.on_time, percent(wa.on_time_rate)) == (
        2,
        2,
        1,
        2,
        1,
        "50.0%",
    )
    assert (sx.count, sx.reached, sx.satisfied, percent(sx.satisfaction_rate), sx.reopened) == (
        1,
        1,
        0,
        "0.0%",
        1,
    )
    assert (none.count, none.valid, none.due, none.on_time, none.reached) == (2, 0, 1, 1, 0)
    assert percent(none.satisfaction_rate) == "—"
    branches = {g.label: g.quality.count for g in report.by_branch}
    assert branches == {"中心服务大厅": 5, "武安市管理部": 2, "涉县管理部": 2}


def test_per_category_class_channel_and_satisfaction(year):
    report = analyse()
    assert report.by_class == [("重大投诉", 1), ("一般投诉", 6), ("无效投诉", 1), ("尚未定性", 1)]
    scope = dict(report.by_scope)
    assert scope == {
        (
            "不遵守《首问负责制度》《一次性告知制度》《限时办结制度》，不履行服务承诺，"
            "工作人员不热情，态度生、冷、硬，以及推诿、刁难等行为"
        ): 4,
        "不按规定时限办理业务的行为": 3,
        "不按中心各项业务办理标准等违规办理业务的行为": 1,
        "工作人员有吃、拿、卡、要等违反廉洁自律有关规定或违法违纪行为": 1,
        "未归类": 1,
    }
    assert report.by_channel == [
        ("来信", 1),
        ("来电", 3),
        ("12329热线来电", 1),
        ("来访", 1),
        ("网上投诉", 2),
        ("电子邮件", 1),
    ]
    assert report.satisfaction == [("满意", 4), ("基本满意", 1), ("不满意", 1), ("无法回访", 1)]


def test_hot_topics_repeat_complaints_and_suggestions(year):
    report = analyse()
    assert report.hot_matters == [("提取住房公积金偿还房贷", 4), ("缴存基数调整", 2)]
    assert report.hot_staff == [("胡晓明（1101）", 3), ("谢娜（2002）", 2)]
    c1, c2 = year[0], year[1]
    repeats = [(r.reason, r.key, [c.pk for c in r.complaints]) for r in report.repeats]
    assert sorted(repeats) == sorted(
        [
            ("同一联系电话", "138****0001", [c1.pk, c2.pk]),
            ("同一事项和工作人员", "胡晓明 · 提取住房公积金偿还房贷", [c1.pk, c2.pk]),
        ]
    )
    assert [(s.no, s.source, s.text) for s in report.suggestions] == [
        (c1.no, "投诉时", "希望增加提取业务窗口"),
        (year[5].no, "回访时", "网上查询很方便"),
    ]


def test_a_wider_window_finds_more_repeats(year):
    report = analyse(window=200)
    found = {(r.reason, len(r.complaints)) for r in report.repeats}
    # C6 is 193 days after C2; C7 is 189 days after C3
    assert ("同一事项和工作人员", 3) in found
    assert ("同一事项和工作人员", 2) in found  # 谢娜 · 缴存基数调整


def test_the_on_screen_report_and_the_excel_export_with_masked_personal_data(client, users, year):
    client.force_login(users["office1"])
    html = client.get(reverse("complaint_analysis"), {"year": 2025}).content.decode()
    for text in (
        'id="stat-total">9<',
        "投诉较多的事项",
        "同一联系电话",
        "希望增加提取业务窗口",
        "贷款服务大厅",
    ):
        assert text in html
    response = client.get(reverse("complaint_analysis"), {"year": 2025, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="complaints-20250101-20251231.xlsx"' in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [
        "汇总",
        "按责任部门",
        "按管理部",
        "按受理范围",
        "按性质",
        "按渠道",
        "回访满意度",
        "热点问题",
        "重复投诉",
        "意见建议",
        "投诉明细",
    ]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["收到投诉"] == 9 and summary["有效投诉（重大+一般）"] == 7
    detail = list(book["投诉明细"].iter_rows(min_row=2, values_only=True))
    assert len(detail) == 9
    everything = " ".join(
        str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v
    )
    for personal in ("13800000001", "张三", "sun7@example.com", "13900000002"):
        assert personal not in everything
    assert "138****0001" in everything and "张*" in everything


def test_the_analysis_api_gives_the_same_figures(client, users, year):
    client.force_login(users["leader1"])
    body = client.get("/api/v1/complaints/analysis", {"year": 2025}).json()
    # The API is computed as of today (after 2025): C8's due day and C9's have passed too.
    assert (body["total"]["count"], body["total"]["valid"]) == (9, 7)
    assert body["hot_matters"][0] == {"label": "提取住房公积金偿还房贷", "count": 4}
    assert len(body["repeats"]) == 2
    client.force_login(users["teller1"])
    assert client.get("/api/v1/complaints/analysis", {"year": 2025}).status_code == 403
