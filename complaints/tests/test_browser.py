"""Issue #7 "Done when", in a real browser: a citizen files a web complaint and follows
it by number and password; the office classifies it as 一般, the department handles
it, the follow-up finds the complainant unsatisfied, it reopens, and it closes on
time; a major one goes through joint review. Screenshots in var/screenshots/."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from complaints.models import Complaint, Status
from org.demo import seed_demo

pytestmark = pytest.mark.browser

GENERAL = "工作人员因违规或失误，造成一定负面影响引起的投诉"
SHOTS = "var/screenshots/"


@pytest.fixture
def demo_people(reference_data):
    seed_demo()
    users = get_user_model().objects
    for name in ("office1", "head1", "leader1"):
        user = users.get(username=name)
        user.set_password("pw-for-tests-only")
        user.save()
    return {name: users.get(username=name) for name in ("office1", "head1", "leader1")}


@pytest.fixture
def as_user(browser, live_server):
    """as_user(user) → a page in its own browser context, signed in as that user."""
    contexts = []

    def open_page(user):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
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


def step(page, name: str, button: str) -> None:
    page.click(f"#step-{name} button.primary:has-text('{button}')")
    page.wait_for_load_state("load")
    assert not page.locator(".notice.bad").count(), page.inner_text(".notice.bad")
    assert not page.locator("main .errorlist").count(), page.inner_text("main .errorlist")


def handle_and_report(head, base: str, no: str) -> None:
    head.goto(f"{base}/complaints/{no}/")
    head.fill("#step-handle textarea[name=facts]", "调取录像核实：3号窗口工作人员未指明承办窗口")
    head.fill("#step-handle textarea[name=causes]", "对综合窗口分工不熟悉")
    head.fill("#step-handle textarea[name=measures]", "批评教育，组织学习首问负责制度")
    head.fill("#step-handle textarea[name=answer]", "已向投诉人说明情况并致歉，安排专人办理")
    head.fill("#step-handle textarea[name=prevention]", "每周例会复盘窗口分工")
    step(head, "handle", "提交办理情况")
    # the report opens filled in from the department's handling
    assert "调取录像核实" in head.input_value("#step-report textarea[name=investigation]")
    step(head, "report", "提交报告")


def test_a_citizen_complains_on_the_web_is_reopened_after_an_unsatisfied_follow_up_and_closes_on_time(
    page, as_user, demo_people
):
    base = page.base_url
    # --- the citizen, without logging in ---------------------------------------
    page.goto(base + "/complain/")
    page.fill("input[name=subject]", "窗口之间互相推诿")
    page.fill(
        "textarea[name=content]", "在中心服务大厅办理提取，3号窗口让我去8号窗口，8号窗口又让我回3号窗口。"
    )
    page.select_option("select[name=branch]", label="中心服务大厅")
    page.fill("input[name=window_number]", "3")
    page.fill("input[name=staff_hint]", "1103")
    page.check("input[name=scope_codes][value=service_rules]")
    page.check("input[name=anonymous]")
    assert not page.is_visible("input[name=complainant_name]")  # hidden for an anonymous complaint
    page.check("input[name=contact_preference][value=online]")
    page.screenshot(path=SHOTS + "complaints-public-form.png", full_page=True)
    page.click("button:has-text('提交投诉')")
    page.wait_for_selector("#query-password")
    no = page.inner_text("#complaint-no").strip()
    password = page.inner_text("#query-password").strip()
    assert re.fullmatch(r"TS\d{8}-\d{4}", no) and re.fullmatch(r"\d{8}", password)
    page.screenshot(path=SHOTS + "complaints-public-done.png", full_page=True)

    page.context.clear_cookies()  # another day, another browser session
    page.goto(base + "/complain/track/")
    page.fill("input[name=no]", no)
    page.fill("input[name=password]", "00000000")
    page.click("button:has-text('查询')")
    assert "投诉编号或查询密码不正确" in page.inner_text("main")
    page.fill("input[name=no]", no)
    page.fill("input[name=password]", password)
    page.click("button:has-text('查询')")
    page.wait_for_selector("#public-status")
    assert page.inner_text("#public-status") == "已收到，等待受理"

    # --- the complaint office accepts and classifies it as 一般 -----------------
    office = as_user(demo_people["office1"])
    office.goto(base + "/complaints/")
    office.click(f"text={no}")
    office.wait_for_selector("#step-accept")
    assert office.input_value("#step-accept select[name=limit_told_via]") == "网上查询页面"
    office.fill("#step-accept textarea[name=initial_findings]", "调取了3号、8号窗口录像，情况基本属实")
    step(office, "accept", "受理")
    office.check("#step-classify input[name=class_code][value=general]")
    office.check(f"#step-classify input[name=criteria][value='{GENERAL}']")
    step(office, "classify", "定性")
    # responsibility: the department and the person named on the web form are proposed
    assert (
        office.locator("#step-determine select[name=department] option:checked").inner_text()
        == "贷款服务大厅"
    )
    office.fill("#step-determine textarea[name=analysis]", "3号窗口何平未履行首问负责制")
    step(office, "determine", "认定并转责任部门办理")
    office.screenshot(path=SHOTS + "complaints-detail-handling.png", full_page=True)

    # --- the department handles it and writes the report -----------------------
    head = as_user(demo_people["head1"])
    handle_and_report(head, base, no)

    # --- the office reviews and replies ---------------------------------------------
    office.goto(f"{base}/complaints/{no}/")
    office.check("#step-review input[name=decision][value=approve]")
    step(office, "review", "提交审核结论")
    assert "已向投诉人说明情况并致歉" in office.input_value("#step-reply textarea[name=text]")
    step(office, "reply", "记录答复")

    # --- the citizen answers the follow-up on the web: unsatisfied ------------------
    page.goto(f"{base}/complain/track/{no}/")
    assert page.inner_text("#public-status") == "已答复，等待回访"
    page.check("input[name=satisfaction][value=unsatisfied]")
    page.fill("textarea[name=opinion]", "事情办了，但8号窗口的态度没有改进")
    page.click("button:has-text('提交')")
    page.wait_for_selector("text=已要求相关部门重新处理")
    page.screenshot(path=SHOTS + "complaints-public-status.png", full_page=True)
    c = Complaint.objects.get(no=no)
    assert (c.status, c.round) == (Status.HANDLING, 2)

    # --- round 2: handled again, answered, satisfied, closed on time -----------------
    handle_and_report(head, base, no)
    office.goto(f"{base}/complaints/{no}/")
    office.check("#step-review input[name=decision][value=approve]")
    step(office, "review", "提交审核结论")
    step(office, "reply", "记录答复")
    office.select_option("#step-follow-up select[name=method]", "电话")
    office.check("#step-follow-up input[name=satisfaction][value=satisfied]")
    step(office, "follow-up", "记录回访")
    assert "已回访，投诉办结" in office.inner_text(".messages")
    text = office.inner_text("main")
    assert "超过时限" not in text and text.count("按时") == 2
    office.screenshot(path=SHOTS + "complaints-detail-closed.png", full_page=True)
    c.refresh_from_db()
    assert c.status == Status.CLOSED and all(r.on_time for r in c.replies.all())

    page.goto(f"{base}/complain/track/{no}/")
    assert page.inner_text("#public-status") == "已办结"
    for internal in ("何平", "调取了3号", "批评教育"):
        assert internal not in page.inner_text("main")


def test_a_major_complaint_registered_by_phone_goes_through_joint_review(page, as_user, demo_people):
    base = page.base_url
    office = as_user(demo_people["office1"])
    office.goto(base + "/complaints/new/")
    office.select_option("select[name=channel]", "hotline")
    office.fill("input[name=complainant_name]", "李四")
    office.fill("input[name=complainant_phone]", "139 0000 1111")
    office.fill("input[name=subject]", "工作人员与办事群众争吵")
    office.fill("textarea[name=content]", "在贷款窗口咨询时工作人员恶语相向并发生争吵。")
    office.select_option("select[name=staff]", label="罗斌（1106） · 贷款服务大厅")
    office.check("input[name=scope_codes][value=service_rules]")
    office.screenshot(path=SHOTS + "complaints-new.png", full_page=True)
    office.click("button:has-text('登记投诉')")
    office.wait_for_selector("#new-password")
    no = re.search(r"TS\d{8}-\d{4}", office.inner_text("h1")).group(0)

    office.fill("#step-accept textarea[name=initial_findings]", "已电话联系投诉人，调取贷款窗口录像")
    step(office, "accept", "受理")
    office.check("#step-classify input[name=class_code][value=major]")
    office.check(
        "#step-classify input[name=criteria][value='服务态度恶劣，恶语伤人，甚至与服务对象争吵谩骂的']"
    )
    step(office, "classify", "定性")
    office.fill("#step-determine textarea[name=analysis]", "录像显示罗斌与投诉人争吵")
    step(office, "determine", "认定并转责任部门办理")

    head = as_user(demo_people["head1"])
    head.goto(f"{base}/complaints/{no}/")
    head.fill("#step-handle textarea[name=facts]", "录像显示双方争吵约两分钟")
    head.fill("#step-handle textarea[name=causes]", "工作人员情绪失控")
    head.fill("#step-handle textarea[name=measures]", "停岗培训一周")
    head.fill("#step-handle textarea[name=answer]", "部门负责人已登门致歉")
    step(head, "handle", "提交办理情况")
    assert "须集体会审" in head.inner_text(".messages")
    assert head.locator("#step-report").count() == 0  # not before the joint review

    office.goto(f"{base}/complaints/{no}/")
    office.fill(
        "#step-joint-review textarea[name=participants]", "分管副主任、业务管理处、贷款服务大厅、法律顾问"
    )
    office.fill("#step-joint-review textarea[name=departments_consulted]", "贷款服务大厅、办公室")
    office.fill("#step-joint-review textarea[name=legal_opinion]", "处理依据充分")
    office.fill("#step-joint-review textarea[name=decision]", "维持重大投诉定性，给予记过处分，全中心通报")
    office.fill("#step-joint-review input[name=document_no]", "会审〔2026〕7号")
    office.check("#step-joint-review input[name=class_code][value=major]")
    step(office, "joint-review", "记录会审结论")
    assert "会审〔2026〕7号" in office.inner_text("main")

    head.goto(f"{base}/complaints/{no}/")
    head.fill("#step-report textarea[name=prevention]", "全员学习文明服务规范")
    step(head, "report", "提交报告")
    office.goto(f"{base}/complaints/{no}/")
    office.check("#step-review input[name=decision][value=approve]")
    step(office, "review", "提交审核结论")
    step(office, "reply", "记录答复")
    office.check("#step-follow-up input[name=satisfaction][value=satisfied]")
    step(office, "follow-up", "记录回访")
    office.click("summary:has-text('对责任人的处理')")
    office.check("#step-sanction input[name=code][value=demerit]")
    step(office, "sanction", "登记处理措施")
    step(office, "archive", "归档")
    c = Complaint.objects.get(no=no)
    assert (c.status, c.class_code, c.joint_reviews.count(), c.sanctions.get().label) == (
        Status.ARCHIVED,
        "major",
        1,
        "记过",
    )
    assert c.limit_days == 10
    office.screenshot(path=SHOTS + "complaints-detail-major.png", full_page=True)

    office.goto(f"{base}/complaints/{no}/report/")
    assert "七、集体会审意见" in office.inner_text("main")
    office.screenshot(path=SHOTS + "complaints-report-print.png", full_page=True)
    office.goto(f"{base}/complaints/{no}/ticket/")
    office.emulate_media(media="print")
    assert office.locator(".topbar").is_hidden()
    office.screenshot(path=SHOTS + "complaints-ticket-print.png", full_page=True)


def test_the_public_form_and_the_staff_list_fit_a_phone(page, as_user, demo_people):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/complain/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=SHOTS + "complaints-public-phone.png", full_page=True)
    office = as_user(demo_people["office1"])
    office.set_viewport_size({"width": 390, "height": 844})
    office.goto(page.base_url + "/complaints/")
    assert office.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_complaint_about_the_head_goes_to_the_office_and_the_head_sees_only_the_outcome(
    page, as_user, demo_people
):
    """Issue 14: 黄丽 heads 贷款服务大厅 and is the person complained about. The office
    handles the department's step (the page says why); she finds the complaint nowhere
    but on 涉及我的投诉 — number, category, dates, outcome — and the fine is in the
    violations ledger at once, without any button."""
    from complaints.tests import helpers
    from org.models import Staff

    base = page.base_url
    people = {"office": demo_people["office1"]}
    c = helpers.register(
        people,
        "2026-03-02",
        staff=Staff.objects.get(staff_no="0401"),
        subject="大厅主任当众训斥办事职工",
        content="投诉原文：主任在大厅当众训斥我，态度恶劣。",
        complainant_name="钱多多",
    )
    helpers.accept(people, c, "2026-03-02")
    helpers.classify(people, c, "2026-03-02")
    helpers.determine(people, c, "2026-03-02", dept="DK", staff_nos=("0401",))

    office = as_user(demo_people["office1"])
    office.goto(base + "/complaints/?view=todo")
    office.click(f"text={c.no}")
    office.wait_for_selector("#recused")
    assert "依回避原则" in office.inner_text("#recused")
    office.fill("#step-handle textarea[name=facts]", "调取录像核实：主任与办事职工发生争执")
    office.fill("#step-handle textarea[name=causes]", "情绪失控")
    office.fill("#step-handle textarea[name=measures]", "批评教育，书面检查")
    office.fill("#step-handle textarea[name=answer]", "已向投诉人致歉")
    office.screenshot(path=SHOTS + "complaints-recused-office.png", full_page=True)
    step(office, "handle", "提交办理情况")
    office.goto(base + "/violations/?period=2026-03")
    ledger = office.inner_text("main")
    assert f"有效投诉（投诉 {c.no}" in ledger and "同步投诉与首问记录" not in ledger
    office.screenshot(path=SHOTS + "supervision-ledger-complaint-fine.png", full_page=True)

    head = as_user(demo_people["head1"])
    head.goto(base + "/complaints/?view=all")
    assert c.no not in head.inner_text("main")
    response = head.goto(f"{base}/complaints/{c.no}/")
    assert response is not None and response.status == 404
    head.goto(base + "/complaints/mine/")
    mine = head.inner_text("#mine-table")
    assert c.no in mine and "不遵守《首问负责制度》" in mine and "一般投诉" in mine and "30元" in mine
    assert "训斥" not in mine and "钱" not in mine
    head.screenshot(path=SHOTS + "complaints-mine-head.png", full_page=True)
