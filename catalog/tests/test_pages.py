"""Pages of the catalog: the public guide (no login), the one-time notice pages and the
phrase list (anonymous, wrong role, right role), guide management."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from catalog import ratelimit
from catalog.models import Matter, MatterVersion, NoticeStatus, OneTimeNotice
from catalog.tests.conftest import CITIZEN_ID, signature_png
from catalog.tests.helpers import issue, materials_of
from catalog.tests.test_notices import NOT_MARRIED, TWO_MISSING
from common import clock

pytestmark = pytest.mark.django_db


# --- Public guide -----------------------------------------------------------------------


def test_the_guide_lists_every_category_without_login(client):
    response = client.get(reverse("guide_index"))
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("归集(缴存)", "提取", "贷款", "其他"):
        assert f'<h2 class="cat-title">{label}</h2>' in html
    assert f"共 {Matter.objects.count()} 个事项" in html


def test_searching_gou_fang_shows_the_purchase_withdrawal(client):
    html = client.get(reverse("guide_index"), {"q": "购房"}).content.decode()
    assert "住房公积金提取 — 购买自住住房" in html
    assert html.index("住房公积金提取 — 购买自住住房") < html.index("购买普通商品房个人住房公积金贷款")


def test_the_results_partial_is_a_fragment_and_keeps_the_address(client):
    response = client.get(reverse("guide_results"), {"q": "退休"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "住房公积金提取 — 离休、退休" in html


def test_an_unknown_search_says_what_to_try(client):
    html = client.get(reverse("guide_index"), {"q": "火星移民"}).content.decode()
    assert "没有找到与“火星移民”有关的事项" in html and "12329" in html


def test_the_matter_page_shows_every_field_of_the_guide(client):
    html = client.get(reverse("guide_matter", args=["TQ001"])).content.decode()
    v = MatterVersion.objects.get(matter__code="TQ001", number=1)
    for text in (
        "受理条件",
        "申报材料（9项）",
        "办理流程",
        "办理时限",
        "法定时限",
        "收费标准及依据",
        "办理依据",
        "办理地点",
        "办理时间",
        "咨询电话",
        "投诉电话",
        "网上办理",
        "预约",
        "版本",
    ):
        assert text in html, text
    for m in materials_of("TQ001"):
        assert m.name in html
    assert "即办" in html and v.limit_basis in html and "12329" in html
    assert "第1版" in html


def test_a_step_of_a_timed_loan_shows_its_sibling_steps(client):
    html = client.get(reverse("guide_matter", args=["dk002"])).content.decode()
    assert "购买普通商品房个人住房公积金贷款”的第2个环节" in html
    for step in ("受理", "面签", "初审", "复审", "终审"):
        assert step in html


def test_an_unknown_matter_is_a_404(client):
    assert client.get("/guide/ZZ999/").status_code == 404


def test_the_print_view_is_a_standalone_page(client):
    html = client.get(reverse("guide_print", args=["TQ001"])).content.decode()
    assert "data-print" in html and "购房合同" in html and "base.html" not in html


def test_the_commitments_page_publishes_items_standards_procedure_limits_and_phones(client):
    html = client.get(reverse("guide_commitments")).content.decode()
    for text in (
        "服务标准",
        "办事流程",
        "投诉和监督电话",
        "服务项目与承诺时限",
        "12329",
        "一次性告知",
        "限时办结",
    ):
        assert text in html
    # the complaint limits come from the complaint rule set in force
    assert "在3-5个工作日内答复" in html and "重大投诉在10个工作日内答复" in html


def test_a_public_search_is_rate_limited(client, monkeypatch):
    monkeypatch.setattr(ratelimit, "GUIDE_SEARCH", (2, 60))
    monkeypatch.setattr("catalog.views.GUIDE_SEARCH", (2, 60))
    from django.core.cache import cache

    cache.clear()
    assert client.get(reverse("guide_index"), {"q": "购房"}).status_code == 200
    assert client.get(reverse("guide_index"), {"q": "退休"}).status_code == 200
    response = client.get(reverse("guide_index"), {"q": "租房"})
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()
    cache.clear()


# --- Staff pages: anonymous, wrong role, right role --------------------------------------

STAFF_PAGES = ["notice_list", "notice_new", "phrase_list"]


@pytest.mark.parametrize("url_name", [*STAFF_PAGES, "guide_manage"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_login_without_a_role_is_refused(client, make_user):
    client.force_login(make_user(None))
    for name in STAFF_PAGES:
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", ["office", "leader", "inspector", "admin"])
def test_roles_that_do_not_tell_citizens_cannot_issue_notices(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("notice_new")).status_code == 403
    assert client.get(reverse("notice_new_matter", args=["TQ001"])).status_code == 403
    assert client.get(reverse("notice_list")).status_code == 200


@pytest.mark.parametrize("role", ["teller", "guide", "head"])
def test_tellers_guides_and_heads_open_the_notice_form(client, make_user, branch, role):
    client.force_login(make_user(role, branch=branch))
    html = client.get(reverse("notice_new_matter", args=["TQ001"])).content.decode()
    assert "根据住房公积金提取 — 购买自住住房业务，请您一次性提交相关业务资料" in html
    assert html.count('class="mat-row"') == len(materials_of("TQ001"))


def test_a_teller_issues_a_notice_through_the_form(client, teller):
    client.force_login(teller)
    marks = {}
    for m in materials_of("TQ001"):
        value = (
            "missing" if m.name in TWO_MISSING else "not_applicable" if m.name in NOT_MARRIED else "brought"
        )
        marks[f"m{m.pk}"] = value
    invoice = next(m for m in materials_of("TQ001") if m.name == "购房发票或契税完税凭证")
    response = client.post(
        reverse("notice_new_matter", args=["TQ001"]),
        {
            "channel": "counter",
            "name": "李明",
            "id_number": CITIZEN_ID,
            "phone": "13831001234",
            "other_notes": "购房发票须为正式发票",
            f"n{invoice.pk}": "带来的是收据",
            **marks,
        },
    )
    notice = OneTimeNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "notice_detail", args=[notice.number]
    )
    assert notice.issued_by == teller and notice.other_notes == "购房发票须为正式发票"
    assert notice.items.get(material=invoice).note == "带来的是收据"


def test_a_bad_identity_number_is_shown_next_to_the_field(client, teller):
    client.force_login(teller)
    response = client.post(
        reverse("notice_new_matter", args=["TQ001"]),
        {"channel": "counter", "name": "李明", "id_number": "123"},
    )
    assert response.status_code == 422
    assert "身份证号码应为18位" in response.content.decode()
    assert not OneTimeNotice.objects.exists()


def test_a_refusal_of_the_service_is_shown_on_the_form(client, teller, branch):
    client.force_login(teller)
    issue(teller, branch, missing=TWO_MISSING)
    marks = {f"m{m.pk}": "missing" for m in materials_of("TQ001")}
    response = client.post(
        reverse("notice_new_matter", args=["TQ001"]),
        {"channel": "counter", "name": "李明", "id_number": CITIZEN_ID, **marks},
    )
    assert response.status_code == 422 and "一次来访只出具一份清单" in response.content.decode()


def test_the_preview_fills_the_phrase_and_warns_of_a_breach(client, teller, branch):
    from catalog.tests.conftest import at

    issue(teller, branch, missing=("购房合同",), now=at(2026, 3, 16))
    client.force_login(teller)
    marks = {f"m{m.pk}": ("missing" if m.name in TWO_MISSING else "brought") for m in materials_of("TQ001")}
    html = client.post(
        reverse("notice_preview", args=["TQ001"]),
        {"channel": "counter", "name": "李明", "id_number": CITIZEN_ID, **marks},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "抱歉，您提交的资料缺少《购房合同》、《购房发票或契税完税凭证》，我现在把补办的清单给您" in html
    assert "违反一次性告知" in html and "《购房发票或契税完税凭证》" in html


def test_the_notice_page_masks_the_citizen_and_embeds_both_parts(client, teller, branch):
    notice = issue(teller, branch, missing=TWO_MISSING)
    client.force_login(teller)
    html = client.get(reverse("notice_detail", args=[notice.number])).content.decode()
    assert CITIZEN_ID not in html.split('<div class="doc-frame">')[0]  # masked in the page itself
    assert "1304**********" in html
    assert "申请人联" in html and "存根联" in html
    assert "请在此处签上您的姓名和身份证号码（或联系电话）。" in html


def test_the_notice_pdf_is_a_pdf(client, teller, branch):
    notice = issue(teller, branch, missing=TWO_MISSING)
    client.force_login(teller)
    response = client.get(reverse("notice_pdf", args=[notice.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_a_teller_of_another_branch_cannot_see_the_notice(client, teller, branch, other_branch, make_user):
    notice = issue(teller, branch, missing=TWO_MISSING)
    client.force_login(make_user("teller", branch=other_branch))
    assert client.get(reverse("notice_detail", args=[notice.number])).status_code == 404
    assert client.get(reverse("notice_pdf", args=[notice.number])).status_code == 404
    assert notice.number not in client.get(reverse("notice_list")).content.decode()


def test_the_citizen_signs_on_the_tablet_page(client, teller, branch):
    notice = issue(teller, branch, missing=TWO_MISSING)
    client.force_login(teller)
    page = client.get(reverse("notice_sign", args=[notice.number])).content.decode()
    assert "购房合同" in page and "sigpad" in page
    data_url = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    response = client.post(reverse("notice_sign", args=[notice.number]), {"signature": data_url})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SIGNED
    image = client.get(reverse("notice_signature", args=[notice.number]))
    assert image.content == signature_png() and image["Content-Type"] == "image/png"


def test_an_empty_signature_post_says_what_to_do(client, teller, branch):
    notice = issue(teller, branch, missing=TWO_MISSING)
    client.force_login(teller)
    response = client.post(reverse("notice_sign", args=[notice.number]), {"signature": ""})
    assert response.status_code == 422 and "请办事职工在签名框内签名" in response.content.decode()


def test_only_a_head_or_the_office_voids_a_notice(client, teller, head, branch):
    notice = issue(teller, branch, missing=TWO_MISSING)
    client.force_login(teller)
    assert client.post(reverse("notice_void", args=[notice.number]), {"reason": "x"}).status_code == 403
    client.force_login(head)
    client.post(reverse("notice_void", args=[notice.number]), {"reason": "选错事项"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.VOIDED


def test_a_paper_scan_and_a_refusal_are_recorded_from_the_page(client, teller, branch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    notice = issue(teller, branch, missing=TWO_MISSING)
    client.force_login(teller)
    client.post(reverse("notice_refuse", args=[notice.number]), {"reason": "拒绝签名"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.REFUSED
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    client.post(reverse("notice_paper", args=[notice.number]), {"scan": scan})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SIGNED and notice.signature_method == "paper"


def test_the_notice_list_masks_and_counts_its_queries(client, teller, branch, django_assert_max_num_queries):
    from catalog import services
    from catalog.tests.conftest import at, valid_id

    for i in range(12):
        citizen = services.Citizen(
            name=f"王小{i}", id_number=valid_id(f"13040219900101{i:03d}"), phone="13903101122"
        )
        issue(teller, branch, citizen=citizen, missing=TWO_MISSING, now=at(2026, 3, 16))
    client.force_login(teller)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("notice_list"), {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()
    assert html.count('">HD01-20260316-') == 12
    assert "王*0" in html and "139****1122" in html and "13903101122" not in html


def test_the_notice_list_filters_breaches(client, teller, branch):
    from catalog.tests.conftest import at

    issue(teller, branch, missing=("购房合同",), now=at(2026, 3, 16))
    later = issue(teller, branch, missing=TWO_MISSING, now=at(2026, 3, 18))
    client.force_login(teller)
    html = client.get(
        reverse("notice_list"), {"from": "2026-03-01", "to": "2026-03-31", "breach": "1"}
    ).content.decode()
    assert later.number in html and "HD01-20260316-0001" not in html


def test_the_phrase_list_shows_every_situation_with_its_source(client, make_user):
    client.force_login(make_user("guide"))
    html = client.get(reverse("phrase_list")).content.decode()
    assert "对不起，我们已经轧账了，请您使用自助办理好吗？" in html and "000 §二(二)1(5)" in html
    assert "禁用：" in html
    html = client.get(reverse("phrase_list"), {"source": "001"}).content.decode()
    assert "001 第九条(二十一)" in html and "000 §二(二)1(5)" not in html


# --- Guide management ----------------------------------------------------------------------


def test_only_the_office_and_administrators_manage_the_guide(client, make_user, teller):
    client.force_login(teller)
    assert client.get(reverse("guide_manage")).status_code == 403
    assert client.get(reverse("guide_revise", args=["TQ001"])).status_code == 403
    client.force_login(make_user("office"))
    assert client.get(reverse("guide_manage")).status_code == 200
    assert client.get(reverse("guide_revise", args=["TQ001"])).status_code == 200


def test_the_office_revises_a_guide_through_the_form(client, office):
    from datetime import timedelta

    client.force_login(office)
    page = client.get(reverse("guide_revise", args=["GJ005"]))
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "effective_from": (clock.today() + timedelta(days=1)).isoformat(),
            "change_note": "增加网办提示",
            "notes": "可通过单位网上营业厅汇缴。",
            "is_free": "on",
            "online_available": "on",
            "appointment_allowed": "on",
        }
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    formset = page.context["formset"]
    data.update(
        {
            "m-TOTAL_FORMS": str(formset.total_form_count()),
            "m-INITIAL_FORMS": str(formset.initial_form_count()),
            "m-MIN_NUM_FORMS": "0",
            "m-MAX_NUM_FORMS": "40",
        }
    )
    for i, row in enumerate(formset.initial):
        for key, value in row.items():
            data[f"m-{i}-{key}"] = value
    for i in range(
        len(formset.initial), formset.total_form_count()
    ):  # the empty rows, as a browser sends them
        data.update(
            {f"m-{i}-requirement": "required", f"m-{i}-form": "original_and_copy", f"m-{i}-copies": "1"}
        )
    response = client.post(reverse("guide_revise", args=["GJ005"]), data)
    assert response.status_code == 302, (response.context["form"].errors, response.context["formset"].errors)
    v2 = MatterVersion.objects.get(matter__code="GJ005", number=2)
    assert v2.notes == "可通过单位网上营业厅汇缴。"
    assert list(v2.materials.values_list("code", flat=True)) == list(
        MatterVersion.objects.get(matter__code="GJ005", number=1).materials.values_list("code", flat=True)
    )


def test_a_suspension_shows_on_the_public_page(client, office):
    client.force_login(office)
    client.post(
        reverse("guide_manage_matter", args=["TQ021"]), {"status": "suspended", "note": "系统升级，暂停受理"}
    )
    client.logout()
    html = client.get(reverse("guide_matter", args=["TQ021"])).content.decode()
    assert "该事项暂停办理。" in html and "系统升级，暂停受理" in html


def test_the_office_adds_a_matter_from_a_template(client, office):
    client.force_login(office)
    page = client.get(reverse("guide_create"), {"from": "TQ012"})
    assert page.status_code == 200
    form, formset = page.context["form"], page.context["formset"]
    data = {
        k: ("on" if v is True else v) for k, v in form.initial.items() if v is not None and v is not False
    }
    data.update(
        {
            "code": "TQ099",
            "category": "withdrawal",
            "service_object": "personal",
            "stage_order": "0",
            "name": "住房公积金提取 — 支付物业费",
            "change_note": "新增事项",
            "effective_from": data["effective_from"],
        }
    )
    data.update(
        {
            "m-TOTAL_FORMS": str(formset.total_form_count()),
            "m-INITIAL_FORMS": str(formset.initial_form_count()),
            "m-MIN_NUM_FORMS": "0",
            "m-MAX_NUM_FORMS": "40",
        }
    )
    for i, row in enumerate(formset.initial):
        for key, value in row.items():
            data[f"m-{i}-{key}"] = value
    for i in range(len(formset.initial), formset.total_form_count()):
        data.update(
            {f"m-{i}-requirement": "required", f"m-{i}-form": "original_and_copy", f"m-{i}-copies": "1"}
        )
    response = client.post(reverse("guide_create"), data)
    assert response.status_code == 302, (response.context["form"].errors, response.context["head"].errors)
    v = MatterVersion.objects.get(matter__code="TQ099")
    assert v.name == "住房公积金提取 — 支付物业费"
    assert v.materials.count() == MatterVersion.objects.get(matter__code="TQ012").materials.count()
    assert all(code.startswith("TQ099-M") for code in v.materials.values_list("code", flat=True))
    assert client.get("/guide/TQ099/").status_code == 200
