"""不予受理 takes one legal ground of the rule set plus an explanation (000 §五(二)1;
002 篇5 §二5; 003 首问责任制度 五5); missing or incomplete materials are never a ground
(000 §五(二)2(2); 002 篇5 §二4–5) and send the teller to the 补办件通知单 — in the
service, the pages, the API, and on the printed 退回件通知单 (issue 14.8)."""

from __future__ import annotations

import io
import uuid

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases import documents, services
from cases.models import Case, CaseStatus, SupplementStatus
from cases.tests.conftest import MOBILE, PERSON_ID, at, first_material, marks_for
from common.errors import DomainError
from documents.blocks import Audience, block_text
from org.services import api_token_issue

pytestmark = pytest.mark.django_db

D = "2026-03-16"
GROUNDS = ["conditions_not_met", "contrary_to_rules", "outside_remit"]

# What a teller may write, and whether it is a material problem (→ 补办件) or not.
MISSING_MATERIALS = [
    ("缺少单位公章的申请表", "缺少"),  # the issue's example
    ("申请表未加盖单位公章", "未加盖"),
    ("申请表 没有 盖章", "没有盖"),  # spaces do not hide it
    ("身份证复印件不清晰，请重新复印", "不清晰"),
    ("申请人材料不全", "材料不全"),
    ("申请材料不齐全", "材料不齐"),
    ("申请表缺公章", "缺"),
    ("未提供婚姻状况证明", "未提供"),
    ("购房合同没有签字", "没有签字"),
    ("收入证明填写有误", "填写有误"),
    ("请补齐银行流水后再来办理", "补齐"),
    ("结婚证已过期", "已过期"),
    ("缺，少：公章", "缺少"),  # punctuation between the characters does not hide it
]
LEGAL_REASONS = [
    "经查询，申请人及配偶在本市名下有自有住房，不符合《住房公积金管理条例》第二十四条租赁住房提取的条件。",
    "申请人连续足额缴存住房公积金不满6个月，不符合本中心个人住房贷款管理办法第五条规定的贷款条件。",
    "申请的贷款额度超过本中心个人住房贷款管理办法规定的最高额度。",
    "该事项属于不动产登记中心的职责，请到市不动产登记中心办理。",
]


@pytest.fixture
def supplement_case(register):
    return register("DK015", when=at(2026, 3, 16, 10), missing=(first_material("DK015"),))


# --- The rule set --------------------------------------------------------------------------


def test_the_rule_set_lists_the_legal_grounds_with_their_clauses(clock):
    from cases.selectors import rejection_grounds
    from common import clock as the_clock

    grounds = rejection_grounds(the_clock.today())
    assert [g.code for g in grounds] == GROUNDS
    assert [g.clause for g in grounds] == ["002 篇5 §二5", "000 §五(二)1", "003 首问责任制度 五5"]
    assert grounds[0].label == "申请事项不符合法定条件"
    assert "不符合法定条件" in grounds[0].basis and "法律、法规及有关规章" in grounds[1].basis
    assert "职责范围" in grounds[2].basis
    # Missing materials are not among them.
    assert not any("材料" in g.label for g in grounds)


# --- The service, table-driven ------------------------------------------------------------


@pytest.mark.parametrize(("reason", "phrase"), MISSING_MATERIALS)
def test_a_missing_or_incomplete_material_is_never_a_ground(reason, phrase, clock):
    for ground in GROUNDS:
        with pytest.raises(DomainError) as err:
            services.check_rejection(services.Rejection(ground, reason), on=clock().date())
        assert err.value.code == "missing_materials_not_a_reason"
        assert err.value.extra["phrase"] == phrase
        assert "补办件通知单" in err.value.message and "000 §五(二)2(2)" in err.value.message


@pytest.mark.parametrize("reason", LEGAL_REASONS)
@pytest.mark.parametrize("ground", GROUNDS)
def test_a_legal_ground_with_its_explanation_passes(ground, reason, clock):
    checked = services.check_rejection(
        services.Rejection(ground, f"  {reason}  ", "房屋租赁合同\n"), on=clock().date()
    )
    assert checked.ground == ground and checked.reason == reason
    assert checked.ground_label and checked.legal_basis.startswith("《")
    assert checked.returned_materials == "房屋租赁合同"


@pytest.mark.parametrize(
    ("ground", "reason", "code", "text"),
    [
        ("", LEGAL_REASONS[0], "invalid_input", "请选择不予受理的情形"),
        ("materials_incomplete", LEGAL_REASONS[0], "invalid_input", "申请事项不符合法定条件（002 篇5 §二5）"),
        ("conditions_not_met", "", "invalid_input", "请写明不予受理的具体理由"),
        ("conditions_not_met", "不符合", "invalid_input", "写明不符合哪一项条件"),
        ("outside_remit", "不办", "invalid_input", "说明该事项由哪个部门或单位办理"),
        ("", "缺少公章", "missing_materials_not_a_reason", "补办件通知单"),
    ],
)
def test_a_refusal_without_a_ground_or_an_explanation_is_refused(ground, reason, code, text, clock):
    with pytest.raises(DomainError) as err:
        services.check_rejection(services.Rejection(ground, reason), on=clock().date())
    assert (err.value.code, err.value.status) == (code, 422)
    assert text in err.value.message


def test_the_refusal_records_the_ground_its_label_and_basis(users, supplement_case):
    case = services.case_reject(
        actor=users["teller1"],
        case=supplement_case,
        rejection=services.Rejection("conditions_not_met", LEGAL_REASONS[1], "购房合同（复印件）"),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    assert (case.rejection_ground, case.rejection_ground_label) == (
        "conditions_not_met",
        "申请事项不符合法定条件",
    )
    assert case.rejection_reason == LEGAL_REASONS[1] and "窗口办件工作规程" in case.rejection_basis
    event = case.events.get(to_status=CaseStatus.REJECTED)
    assert "申请事项不符合法定条件" in event.public_note and "不满6个月" in event.public_note
    assert case.supplement.status == SupplementStatus.CLOSED


def test_a_refusal_for_missing_materials_leaves_the_case_waiting_for_them(users, supplement_case):
    with pytest.raises(DomainError):
        services.case_reject(
            actor=users["teller1"],
            case=supplement_case,
            rejection=services.Rejection("conditions_not_met", "缺少单位公章的申请表"),
        )
    supplement_case.refresh_from_db()
    assert supplement_case.status == CaseStatus.SUPPLEMENT and supplement_case.rejected_at is None
    assert supplement_case.supplement.status == SupplementStatus.OPEN


def test_registration_refuses_missing_materials_as_a_rejection_and_makes_no_case(users, clock):
    from catalog.models import Matter

    with pytest.raises(DomainError) as err:
        services.case_register(
            actor=users["teller1"],
            matter=Matter.objects.get(code="DK015"),
            applicant=services.ApplicantData(name="李明", phone=MOBILE, id_number=PERSON_ID),
            marks=marks_for("DK015"),
            idempotency_key=uuid.uuid4(),
            rejection=services.Rejection("contrary_to_rules", "缺少单位公章的申请表"),
        )
    assert err.value.code == "missing_materials_not_a_reason"
    assert not Case.objects.exists()


# --- The pages ---------------------------------------------------------------------------


def _accept_data(**extra) -> dict:
    data = {
        "idem": str(uuid.uuid4()),
        "name": "李明",
        "id_number": PERSON_ID,
        "phone": MOBILE,
        "channel": "counter",
        "delivery_method": "pickup",
        "decision": "reject",
    }
    for code, mark in marks_for("DK015").items():
        data[f"m_{code}"] = mark.status
    data.update(extra)
    return data


@pytest.mark.parametrize(("reason", "phrase"), MISSING_MATERIALS[:4])
def test_the_acceptance_page_sends_a_missing_material_to_the_supplement_notice(
    client, users, clock, reason, phrase
):
    client.force_login(users["teller1"])
    url = reverse("case_accept_matter", args=["DK015"])
    response = client.post(url, _accept_data(rejection_ground="conditions_not_met", rejection_reason=reason))
    page = response.content.decode()
    assert response.status_code == 422 and f"“{phrase}”" in page
    assert 'href="#materials" data-decision="accept"' in page and "出具补办件通知单" in page
    assert not Case.objects.exists()


def test_the_acceptance_page_offers_the_grounds_and_needs_one(client, users, clock):
    client.force_login(users["teller1"])
    url = reverse("case_accept_matter", args=["DK015"])
    page = client.get(url).content.decode()
    for code in GROUNDS:
        assert f'value="{code}"' in page
    assert "申请事项不属于住房公积金管理中心职责范围（003 首问责任制度 五5）" in page
    assert 'data-confirm="确定不予受理？' in page
    response = client.post(url, _accept_data(rejection_reason=LEGAL_REASONS[0]))
    assert response.status_code == 422 and "请选择一种法定情形" in response.content.decode()
    response = client.post(
        url, _accept_data(rejection_ground="outside_remit", rejection_reason=LEGAL_REASONS[3])
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == CaseStatus.REJECTED and case.rejection_ground == "outside_remit"
    page = client.get(reverse("case_detail", args=[case.receipt_no])).content.decode()
    assert "<dt>情形</dt><dd>申请事项不属于住房公积金管理中心职责范围</dd>" in page


def test_the_case_page_refuses_missing_materials_and_links_the_supplement_notice(
    client, users, supplement_case
):
    client.force_login(users["teller1"])
    page = client.get(reverse("case_detail", args=[supplement_case.receipt_no])).content.decode()
    assert 'name="reject-ground"' in page and 'data-confirm="确定不予受理' in page
    response = client.post(
        reverse("case_action", args=[supplement_case.receipt_no, "reject"]),
        {"reject-ground": "conditions_not_met", "reject-reason": "缺少单位公章的申请表"},
    )
    page = response.content.decode()
    pdf = reverse("case_print", args=[supplement_case.receipt_no, "supplement", "pdf"])
    assert response.status_code == 422 and "不得以申请人提交的材料不全为由不予受理" in page
    assert f'href="{pdf}"' in page and "打印本办件的补办件通知单" in page
    assert '<details class="step" id="reject" open>' in page  # the message is where the teller looks
    supplement_case.refresh_from_db()
    assert supplement_case.status == CaseStatus.SUPPLEMENT
    response = client.post(
        reverse("case_action", args=[supplement_case.receipt_no, "reject"]),
        {"reject-ground": "conditions_not_met", "reject-reason": LEGAL_REASONS[1]},
    )
    assert response.status_code == 302
    supplement_case.refresh_from_db()
    assert supplement_case.status == CaseStatus.REJECTED


# --- The API -------------------------------------------------------------------------------


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(actor='test', user=user, name='测试')}"}


def test_the_api_lists_the_grounds_to_staff_only(client, users, clock):
    url = "/api/v1/cases/rejection-grounds"
    assert client.get(url).status_code == 401
    assert client.get(url, **_auth(users["guide1"])).status_code == 403
    body = client.get(url, **_auth(users["teller1"])).json()
    assert [g["code"] for g in body["grounds"]] == GROUNDS
    assert "补办件通知单" in body["not_a_ground"]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        (
            {"ground": "conditions_not_met", "reason": "缺少单位公章的申请表"},
            422,
            "missing_materials_not_a_reason",
        ),
        ({"ground": "materials_incomplete", "reason": LEGAL_REASONS[0]}, 422, "invalid_input"),
        ({"reason": LEGAL_REASONS[0]}, 422, "invalid_input"),  # no ground at all
        ({"ground": "conditions_not_met", "reason": LEGAL_REASONS[0], "legal_basis": "x"}, 200, None),
    ],
)
def test_the_api_refusal_needs_a_ground_and_no_missing_materials(
    client, users, supplement_case, payload, status, code
):
    url = f"/api/v1/cases/{supplement_case.receipt_no}/reject"
    response = client.post(url, payload, content_type="application/json", **_auth(users["teller1"]))
    assert response.status_code == status, response.content
    body = response.json()
    if code is not None:
        assert body["error"] == code
    if code == "missing_materials_not_a_reason":
        assert body["supplement_notice"] == reverse(
            "case_print", args=[supplement_case.receipt_no, "supplement", "pdf"]
        )
        assert body["phrase"] == "缺少"
    if status == 200:
        assert body["rejection_ground"] == "conditions_not_met"
        assert body["rejection_ground_label"] == "申请事项不符合法定条件"


# --- The printed notice ----------------------------------------------------------------------


def test_the_rejection_notice_prints_the_ground_the_explanation_and_the_basis(users, supplement_case):
    services.case_reject(
        actor=users["teller1"],
        case=supplement_case,
        rejection=services.Rejection("outside_remit", LEGAL_REASONS[3]),
    )
    supplement_case.refresh_from_db()
    doc = documents.document_for(supplement_case, "rejection", password=None, request=None)
    part = next(p for p in doc.parts if p.audience == Audience.CITIZEN)
    text = "\n".join(t for b in part.blocks for t in block_text(b))
    assert "申请事项不属于住房公积金管理中心职责范围。该事项属于不动产登记中心的职责" in text
    assert "《和田地区住房公积金管理中心首问责任制度》五5" in text
    pdf = documents.render(doc, as_pdf=True)
    assert isinstance(pdf, bytes)
    printed = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "不属于住房公积金管理中心职责范围" in printed and "不动产登记中心" in printed
    from cases.tests.test_documents import _png

    _png(pdf, "cases-rejection-notice-ground")
