"""The weekly review page in a browser: the head fills in the week and submits it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.tests.test_review_helpers import WEEK, Week

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_the_head_fills_in_and_submits_the_weekly_review(page, login, make_user):
    week = Week().build()
    head = make_user("head", branch=week.hd)
    login(head)
    page.goto(f"{page.base_url}/reports/weekly/?branch=HD01&week={WEEK}")
    assert page.locator("#fig-tickets").inner_text() == "6"
    assert page.locator("#review-status").inner_text() == "未填写"
    page.fill("textarea[name=arrangements]", "周一例会布置提取业务高峰应对；周三组织政策培训。")
    page.fill("textarea[name=problems]", "周一上午提取窗口等候较长，已临时增开8号综合窗口。")
    page.fill("textarea[name=policy_study]", "学习租房提取额度调整的新政策。")
    page.fill("textarea[name=summary]", "本周业务平稳；差评一条已联系核实，正在整改。")
    page.check("input[name=safety_checked]")
    page.fill("textarea[name=safety_findings]", "灭火器在有效期内，安全通道畅通。")
    page.check("input[name=hygiene_checked]")
    page.fill("textarea[name=hygiene_findings]", "休息区、台面整洁。")
    page.fill("textarea[name=suggestions]", "办事职工建议在休息区配备老花镜。")
    page.select_option("select[name=adoption]", "adopted")
    page.fill("input[name=adoption_note]", "已在咨询台配备。")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "review_weekly_form.png"), full_page=True)
    page.click("button[value=submit]")
    page.wait_for_selector("#review-status:has-text('已提交')")
    assert page.locator(".messages").inner_text().strip() == "本周工作总结已提交。"
    assert page.locator("#review-form").count() == 0
    assert "配备老花镜" in page.content()
    page.screenshot(path=str(SHOTS / "review_weekly_submitted.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "review_weekly_phone.png"), full_page=True)
    response = page.request.get(f"{page.base_url}/reports/weekly/HD01/{WEEK}.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"


def test_the_yearly_complaint_analysis_page_draws_its_charts(page, login, make_user):
    from complaints.tests import helpers as ch
    from org.demo import seed_demo

    seed_demo()
    from django.contrib.auth import get_user_model

    model = get_user_model()
    users = {n: model.objects.select_related("staff").get(username=n) for n in ("office1", "head1")}
    users["office"] = users["office1"]
    ch.to_follow_up(users, ch.register(users, "2026-03-02"), "2026-03-02")
    ch.to_follow_up(users, ch.register(users, "2026-04-06"), "2026-04-06")
    office = make_user("office")
    login(office)
    page.goto(f"{page.base_url}/reports/complaints/2026/")
    page.wait_for_selector("#chart-months canvas")
    page.wait_for_selector("#chart-kinds canvas")
    assert page.locator("#stat-total").inner_text() == "2"
    page.fill("textarea[name=causes]", "窗口一次性告知不到位，同一事项重复投诉。")
    page.fill("textarea[name=measures]", "每月抽查一次性告知清单；对贷款大厅开展专项培训。")
    page.click("button[value=save]")
    page.wait_for_selector("text=已保存。")
    page.screenshot(path=str(SHOTS / "review_complaints_year.png"), full_page=True)
