"""The notices of a case, filled from its record: the receipt number, the password on
the citizen's part only, the QR code leading to the query page with the number filled
in, a pending deadline explained rather than guessed, the supplement list, the refusal
with its review route, the completion, and the extension form. Each PDF is also turned
into a PNG in var/screenshots/ (pdftoppm) for a person to look at."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from cases import documents, services
from cases.tests.conftest import MOBILE, PERSON_ID, at, first_material
from documents.blocks import Audience

pytestmark = pytest.mark.django_db
SHOTS = Path("var/screenshots")


def _text(document, audience: Audience) -> str:
    part = next(p for p in document.parts if p.audience == audience)
    from documents.blocks import block_text

    return "\n".join(t for b in part.blocks for t in block_text(b))


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _png(data: bytes, name: str) -> None:
    if shutil.which("pdftoppm") is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "90", "-singlefile", str(pdf), str(SHOTS / name)], check=True)
    pdf.unlink()


def test_the_acceptance_notice_carries_the_eight_items_and_the_password_on_the_citizens_part(register, users):
    case = register("DK015", when=at(2026, 9, 30, 10))
    doc = documents.document_for(case, "acceptance", password="583916", request=None)
    citizen, stub = _text(doc, Audience.CITIZEN), _text(doc, Audience.ARCHIVE)
    assert "⑦查询密码 583916" in citizen and "583916" not in stub
    assert f"⑦受理编码 {case.receipt_no}" in citizen
    assert "⑤承诺办结日期 2026年10月13日（星期二）" in citizen
    assert "④承办人 胡晓明（工号 1101）" in citizen
    assert "138****1234" in citizen and MOBILE in stub
    citizen_part = next(p for p in doc.parts if p.audience == Audience.CITIZEN)
    assert citizen_part.qr is not None and citizen_part.qr.url.endswith(f"/query/?no={case.receipt_no}")
    pdf = documents.render(doc, as_pdf=True)
    assert isinstance(pdf, bytes)
    text = _pdf_text(pdf)
    assert case.receipt_no in text and "受理通知单" in text
    _png(pdf, "cases-acceptance-notice")


def test_a_reprint_does_not_show_the_password(register):
    case = register("DK015", when=at(2026, 9, 30, 10))
    doc = documents.document_for(case, "acceptance", password=None, request=None)
    assert "已在首次出具的通知单上交付" in _text(doc, Audience.CITIZEN)


def test_a_pending_deadline_is_printed_as_pending(register):
    case = register("DK015", when=at(2026, 12, 28, 10))
    doc = documents.document_for(case, "acceptance", password="123456", request=None)
    citizen = _text(doc, Audience.CITIZEN)
    assert "⑤承诺办结日期 待2027年节假日安排发布后确定，届时短信告知" in citizen
    assert "2026年12月28日（星期一）" not in citizen.split("⑤承诺办结日期")[1].split("\n")[0]
    pdf = documents.render(doc, as_pdf=True)
    assert "待2027年节假日安排发布后确定" in _pdf_text(pdf).replace("\n", "")
    _png(pdf, "cases-acceptance-pending")


def test_the_supplement_notice_lists_every_missing_item_and_the_password(register):
    missing = first_material("DK015")
    case = register("DK015", when=at(2026, 11, 23, 10), missing=(missing, "婚姻"))
    doc = documents.document_for(case, "supplement", password="246810", request=None)
    citizen, stub = _text(doc, Audience.CITIZEN), _text(doc, Audience.ARCHIVE)
    assert missing in citizen and "结婚证" in citizen
    assert "查询密码 246810" in citizen and "246810" not in stub
    assert f"受理编号 {case.receipt_no}" in citizen
    assert "申请人补齐或补正材料之日为该事项正式受理之日" in citizen
    pdf = documents.render(doc, as_pdf=True)
    _png(pdf, "cases-supplement-notice")


def test_the_rejection_notice_gives_the_reason_and_the_review_route(register):
    case = register(
        "DK015",
        when=at(2026, 11, 23, 10),
        rejection=services.Rejection(
            "conditions_not_met",
            "申请人及配偶在本市名下已有两套住房，不符合《住房公积金管理条例》第二十六条建造自住住房贷款条件。",
            "建房用地批准文件（复印件）",
        ),
    )
    doc = documents.document_for(case, "rejection", password="135790", request=None)
    citizen = _text(doc, Audience.CITIZEN)
    assert "两套住房" in citizen and "申请复核" in citizen and "业务管理处" in citizen
    assert "邯郸市人民政府" in citizen and "六十日" in citizen
    assert "查询密码 135790" in citizen
    _png(documents.render(doc, as_pdf=True), "cases-rejection-notice")  # type: ignore[arg-type]


def test_the_completion_notice_says_whether_it_was_on_time(register, users, clock):
    case = register("DK015", when=at(2026, 9, 30, 10))
    clock.set(2026, 10, 14, 9)
    case = services.case_complete(
        actor=users["teller1"],
        case=case,
        outcome="refused",
        result="不予批准，退回申请材料4份",
        refusal_reason="借款申请人连续足额缴存住房公积金不满6个月",
        transaction_no="DK20261014000187",
        deliver_now=True,
    )
    doc = documents.document_for(case, "completion", password=None, request=None)
    citizen = _text(doc, Audience.CITIZEN)
    assert "超过承诺时限办结" in citizen and "不予批准" in citizen and "DK20261014000187" in citizen
    assert "复核" in citizen
    _png(documents.render(doc, as_pdf=True), "cases-completion-notice")  # type: ignore[arg-type]


def test_the_completion_notice_qr_opens_the_case_rating_page(register, users, clock):
    from ratings.models import RatingChannel, RatingToken

    case = register("DK015", when=at(2026, 9, 30, 10))
    clock.set(2026, 10, 9, 9)
    case = services.case_complete(
        actor=users["teller1"], case=case, outcome="approved", result="准予办理", deliver_now=True
    )
    token = RatingToken.objects.get(case=case, channel=RatingChannel.ONLINE).token
    doc = documents.document_for(case, "completion", password=None, request=None)
    citizen = next(p for p in doc.parts if p.audience == Audience.CITIZEN)
    assert citizen.qr is not None and citizen.qr.url.endswith(f"/rate/{token}/")


def test_the_extension_form_carries_both_opinions(register, users, clock):
    case = register("DK015", when=at(2026, 9, 30, 10))
    clock.set(2026, 10, 14, 9)
    ext = services.case_extension_request(
        actor=users["teller1"],
        case=case,
        reason="建房用地批准文件需向自然资源和规划部门核实，对方书面答复尚未送达。",
        requested_deadline=date(2026, 10, 16),
        explained_to_applicant=True,
        explained_note="2026年10月14日电话告知申请人",
    )
    services.case_extension_head_opinion(
        actor=users["head1"], extension=ext, agree=True, opinion="情况属实，同意延期"
    )
    ext.refresh_from_db()
    doc = documents.extension_document(ext)
    text = _text(doc, Audience.INTERNAL)
    assert "黄丽" in text and "情况属实，同意延期" in text
    assert "视为超时办结" in text  # asked after the deadline (000 §五(二)5(2))
    assert "申请延期 3个工作日" in text  # 14, 15, 16 Oct
    _png(documents.render(doc, as_pdf=True), "cases-extension-form")  # type: ignore[arg-type]


def test_the_qr_code_follows_the_public_base_url(register, settings):
    settings.CASES_PUBLIC_BASE_URL = "https://gjj.example.gov.cn"
    case = register("DK015", when=at(2026, 9, 30, 10))
    assert documents.query_url(None, case) == f"https://gjj.example.gov.cn/query/?no={case.receipt_no}"


def test_an_employer_notice_names_the_employer_and_its_clerk(register):
    case = register("GJ014", when=at(2026, 9, 30, 10))
    doc = documents.document_for(case, "acceptance", password="111111", request=None)
    citizen = _text(doc, Audience.CITIZEN)
    assert "邯郸市示例科技有限公司" in citizen and "王芳" in citizen
    assert PERSON_ID not in citizen
