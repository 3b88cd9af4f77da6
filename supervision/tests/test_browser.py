"""Issue #8 "Done when", in a real browser: a patrol recorded with a violation shows the
fine and the third-in-a-month report; a third-party finding goes from its issue notice
to an accepted rectification. Also the tablet inspection sheet, and screenshots in
var/screenshots/ (desktop and tablet) to look at."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from org.demo import seed_demo
from org.models import Branch, Staff, Window
from supervision import services
from supervision.checklist import load_checklist
from supervision.models import ChecklistItem, IssueNotice, UnitReport

pytestmark = pytest.mark.browser
SHOTS = "var/screenshots/"


@pytest.fixture
def people(reference_data):
    seed_demo()
    load_checklist(ChecklistItem)  # a transactional test before this one flushed the migration's rows
    users = get_user_model().objects
    found = {}
    for name in ("office1", "inspector1", "head1", "leader1"):
        user = users.get(username=name)
        user.set_password("pw-for-tests-only")
        user.save()
        found[name] = user
    return found


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def open_page(user, width=1280, height=900):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + "/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw-for-tests-only")
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def _staff(no: str) -> Staff:
    return Staff.objects.get(staff_no=no)


def test_a_patrol_with_a_violation_shows_the_fine_and_the_third_in_a_month_report(
    people, as_user, live_server
):
    hd = Branch.objects.get(code="HD01")
    for day in ("2026-03-02", "2026-03-03"):
        services.patrol_record(
            actor=people["inspector1"],
            branch=hd,
            day=date.fromisoformat(day),
            round_code="morning",
            duty_leader=_staff("0401"),
            patrol_staff=[],
            violations=[services.ViolationInput("2.2", staff=_staff("1103"))],
        )
    page = as_user(people["inspector1"])
    page.goto(live_server.url + f"/patrols/new/?branch={hd.pk}&day=2026-03-04&round=morning")
    page.select_option("#id_duty_leader", str(_staff("0401").pk))
    page.select_option("select[name='v-0-staff']", str(_staff("1103").pk))
    page.select_option("select[name='v-0-item']", "2.2")
    page.select_option("select[name='v-0-window']", str(Window.objects.get(branch=hd, number=3).pk))
    page.fill("input[name='v-0-note']", "未挂胸牌上岗")
    page.click("text=＋ 再加一条违规")
    page.wait_for_selector("select[name='v-1-item']")
    page.select_option("select[name='v-1-staff']", str(_staff("1107").pk))
    page.select_option("select[name='v-1-item']", "1")
    page.fill("input[name='v-1-note']", "迟到10分钟")
    page.screenshot(path=SHOTS + "supervision-patrol-form.png", full_page=True)
    page.click("button.primary:has-text('提交巡查记录')")
    page.wait_for_url(re.compile(r".*/patrols/\d+/$"))
    body = page.inner_text("#violations")
    assert "何平" in body and "10元" in body and "梁宇" in body
    page.screenshot(path=SHOTS + "supervision-patrol-detail.png", full_page=True)

    page.goto(live_server.url + "/violations/?period=2026-03")
    reports = page.inner_text("#reports")
    assert (
        "何平" in reports and "一月内第3次" in reports and "贷款服务大厅" in reports and "待通报" in reports
    )
    assert "本月第3次" in page.inner_text("#ledger")
    assert "40元" in page.inner_text(".grid")  # 3 × 10 + 10
    page.screenshot(path=SHOTS + "supervision-ledger.png", full_page=True)
    assert UnitReport.objects.get().count_at_trigger == 3

    # The office records that the report was sent.
    office = as_user(people["office1"])
    office.goto(live_server.url + "/violations/?period=2026-03")
    office.click("#reports summary:has-text('记录已通报')")
    office.fill("#reports textarea, #reports input[name=note]", "书面通报贷款服务大厅")
    office.click("#reports button:has-text('已通报')")
    office.wait_for_load_state("load")
    assert "已通报" in office.inner_text("#reports")


def test_a_third_party_finding_goes_from_notice_to_accepted_rectification(people, as_user, live_server):
    office = as_user(people["office1"])
    office.goto(live_server.url + "/third-party/reports/new/")
    office.fill("#id_firm", "某某市场调查有限公司")
    office.fill("#id_year", "2026")
    office.check("input[name=quarter][value='1']")
    office.fill("#id_received_on", "2026-04-03")
    office.fill("#id_summary", "一季度神秘客户检查，发现问题1项。")
    office.click("button.primary:has-text('登记报告')")
    office.wait_for_url(re.compile(r".*/third-party/reports/\d+/$"))
    office.select_option("#id_branch", str(Branch.objects.get(code="HD01").pk))
    office.fill("#id_observed_on", "2026-03-18")
    office.check("input[name=aspect][value='conduct']")
    office.select_option("#id_window", str(Window.objects.get(branch__code="HD01", number=4).pk))
    office.select_option("#id_staff", str(_staff("1104").pk))
    office.fill("#id_description", "神秘客户咨询提取业务，4号窗口未一次性告知所需材料。")
    office.click("button.primary:has-text('登记问题')")
    office.wait_for_load_state("load")
    office.fill("input[name=deadline]", "2026-12-31")
    office.click("button.primary:has-text('下达交办函')")
    office.wait_for_url(re.compile(r".*/third-party/notices/JB\d{4}-\d+/$"))
    no = IssueNotice.objects.get().no
    assert "已交办，待整改" in office.inner_text("h1")
    office.screenshot(path=SHOTS + "supervision-notice-issued.png", full_page=True)

    head = as_user(people["head1"], width=820, height=1180)  # a branch head on a tablet
    head.goto(live_server.url + f"/third-party/notices/{no}/")
    head.fill("#answer textarea[name=causes]", "新上岗人员不熟悉提取业务的一次性告知清单。")
    head.fill("#answer textarea[name=measures]", "组织专题学习，窗口张贴材料清单。")
    head.fill("#answer textarea[name=systemic]", "每周例会抽查一次性告知执行情况。")
    head.fill("#answer textarea[name=self_examination]", "本人接待咨询时未使用一次性告知清单，今后严格执行。")
    head.screenshot(path=SHOTS + "supervision-rectification-form-tablet.png", full_page=True)
    head.click("#answer button.primary")
    head.wait_for_load_state("load")
    assert "已报送整改报告，待验收" in head.inner_text("h1")
    assert "个人检查" in head.inner_text("#rect-1")

    office.goto(live_server.url + f"/third-party/notices/{no}/")
    office.check("#review input[value=accept]")
    office.fill("#review textarea[name=note]", "整改到位，同意销号。")
    office.click("#review button.primary")
    office.wait_for_load_state("load")
    assert "已验收销号" in office.inner_text("h1")
    office.screenshot(path=SHOTS + "supervision-notice-accepted.png", full_page=True)
    office.goto(live_server.url + f"/third-party/notices/{no}/letter/")
    assert "问题交办函" in office.inner_text("article")
    office.screenshot(path=SHOTS + "supervision-notice-letter.png", full_page=True)


def test_the_inspection_sheet_on_a_tablet_keeps_the_score_in_view(people, as_user, live_server):
    page = as_user(people["inspector1"], width=820, height=1180)
    hd = Branch.objects.get(code="HD01")
    page.goto(live_server.url + "/inspections/new/?kind=daily")
    page.select_option("select[name=branch]", str(hd.pk))
    page.wait_for_selector("#windows-pick input[name=window]")
    page.check(f"#windows-pick input[value='{Window.objects.get(branch=hd, number=3).pk}']")
    page.select_option("select[name=staff]", str(_staff("1103").pk))
    page.check("input[name=items][value=S04]")
    page.fill("input[name=note_S04]", "工作牌放在抽屉里")
    page.check("input[name=items][value=E01]")
    assert page.inner_text("#sheet-score") == "96"
    assert page.inner_text("#sheet-points") == "9.60"
    page.screenshot(path=SHOTS + "supervision-inspection-tablet.png")
    page.click("button.primary:has-text('提交检查结果')")
    page.wait_for_url(re.compile(r".*/inspections/JC\d{4}-\d+/$"))
    assert "96" in page.inner_text(".score-big")
    assert "WG" in page.inner_text("table.data")  # S04 entered the ledger (item 2.2)
    page.screenshot(path=SHOTS + "supervision-inspection-detail-tablet.png", full_page=True)
