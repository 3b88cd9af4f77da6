"""As a new user would (issue #3 "Done when"): a citizen finds "公积金提取 — 购买自住住房"
on a phone by typing 购房 and reads its materials and limit; a teller produces a one-time
notice for a citizen missing two materials and prints it; the PDF, turned into PNG, has
both parts; the citizen signs on the counter tablet. Screenshots go to var/screenshots/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from catalog.models import Matter, NoticeStatus, OneTimeNotice
from catalog.tests.conftest import CITIZEN_ID
from catalog.tests.helpers import materials_of
from org.models import Branch

pytestmark = pytest.mark.browser

SHOTS = Path("var/screenshots")
TWO_MISSING = ("购房合同", "购房发票或契税完税凭证")


@pytest.fixture
def catalogue(reference_data):
    """The seeded guide (a transactional test before this one may have flushed it)."""
    call_command("seed_catalog")
    SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def hall_teller(catalogue, make_user):
    from org.demo import seed_demo

    seed_demo()
    return make_user("teller", branch=Branch.objects.get(code="HD01"))


def test_a_citizen_finds_the_purchase_withdrawal_on_a_phone_by_typing_gou_fang(page, catalogue):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/guide/")
    page.fill("#q", "购房")
    page.wait_for_selector("#results >> text=“购房”")  # the live result list has been swapped in
    first = page.locator("#results .entry-name").first
    assert first.inner_text() == "住房公积金提取 — 购买自住住房"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SHOTS / "guide-phone-search.png"), full_page=True)

    first.click()
    page.wait_for_url("**/guide/TQ001/")
    body = page.inner_text("main")
    assert "承诺时限" in body and "即办" in body and "法定时限" in body
    for name in ("申请人有效身份证件", "购房合同", "购房发票或契税完税凭证", "结婚证或婚姻状况证明"):
        assert name in body
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SHOTS / "guide-phone-matter.png"), full_page=False)
    page.screenshot(path=str(SHOTS / "guide-phone-matter-full.png"), full_page=True)


def test_the_guide_on_a_desktop_and_its_print_view(page, catalogue):
    page.goto(page.base_url + "/guide/")
    assert page.locator(".entries .entry").count() >= 70  # loan steps are gathered per procedure
    page.screenshot(path=str(SHOTS / "guide-desktop.png"), full_page=False)
    page.goto(page.base_url + "/guide/DK001/")
    assert "各环节分别限时办结" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "guide-desktop-loan-step.png"), full_page=False)
    page.goto(page.base_url + "/guide/TQ001/print/")
    page.screenshot(path=str(SHOTS / "guide-print.png"), full_page=True)
    page.goto(page.base_url + "/guide/commitments/")
    page.screenshot(path=str(SHOTS / "guide-commitments.png"), full_page=False)


def test_a_teller_produces_and_prints_a_notice_for_a_citizen_missing_two_materials(
    page, login, hall_teller, tmp_path
):
    login(hall_teller)
    page.goto(page.base_url + "/notices/new/")
    page.fill("#q", "购房")
    page.locator("#matters a", has_text="住房公积金提取 — 购买自住住房").first.click()
    page.wait_for_url("**/notices/new/TQ001/**")
    page.fill("input[name=name]", "李明")
    page.fill("input[name=id_number]", CITIZEN_ID)
    page.fill("input[name=phone]", "13831001234")
    for m in materials_of("TQ001"):
        if m.name in TWO_MISSING:
            continue
        choice = "not_applicable" if m.requirement == "conditional" else "brought"
        page.click(f"label:has(input[name=m{m.pk}][value={choice}])")
    page.fill(f"input[name=n{materials_of('TQ001')[4].pk}]", "带来的是收据，需提供正式发票")
    page.wait_for_selector("#preview >> text=尚需提交 2 项")
    assert "抱歉，您提交的资料缺少《购房合同》、《购房发票或契税完税凭证》" in page.inner_text("#preview")
    page.screenshot(path=str(SHOTS / "notice-form.png"), full_page=True)

    page.click("button:has-text('出具一次性告知清单')")
    page.wait_for_url("**/notices/HD01-*/")
    notice = OneTimeNotice.objects.get()
    assert notice.items.filter(status="missing").count() == 2
    assert "申请人联" in page.inner_text(".doc-frame") and "存根联" in page.inner_text(".doc-frame")
    page.screenshot(path=str(SHOTS / "notice-detail.png"), full_page=True)

    response = page.request.get(page.base_url + f"/notices/{notice.number}/pdf/")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(response.body())
    reader = PdfReader(str(pdf))
    texts = ["".join(p.extract_text().split()) for p in reader.pages]
    assert len(texts) == 2 and "申请人联" in texts[0] and "存根联" in texts[1]
    assert all("购房合同" in t and "购房发票或契税完税凭证" in t for t in texts)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(SHOTS / "notice-pdf")], check=True)
        assert len(list(SHOTS.glob("notice-pdf-*.png"))) >= 2


def test_the_citizen_signs_on_the_counter_tablet(page, login, hall_teller):
    from catalog import services
    from catalog.tests.helpers import statuses

    notice = services.notice_issue(
        actor=hall_teller,
        branch=Branch.objects.get(code="HD01"),
        matter=Matter.objects.get(code="TQ001"),
        channel="counter",
        citizen=services.Citizen(name="李明", id_number=CITIZEN_ID),
        statuses=statuses("TQ001", missing=TWO_MISSING),
    )
    login(hall_teller)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(page.base_url + f"/notices/{notice.number}/sign/")
    box = page.locator("#sigpad").bounding_box()
    page.mouse.move(box["x"] + 60, box["y"] + 180)
    page.mouse.down()
    for x, y in ((160, 60), (260, 200), (380, 80), (520, 170), (640, 90)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=8)
    page.mouse.up()
    page.screenshot(path=str(SHOTS / "notice-sign-tablet.png"), full_page=False)
    page.click("button:has-text('确认签名')")
    page.wait_for_url(f"**/notices/{notice.number}/")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SIGNED and notice.signature_method == "pad"
    assert "手签板签名" in page.inner_text("main")
