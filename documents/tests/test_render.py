"""Every printed form, rendered from its sample context: the PDF's extracted text, the
masking of the citizen's part, the QR code, the embedded font, the printable page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from common.identity import mask_id, mask_phone
from common.qr import qr_matrix
from documents import samples
from documents.fonts import missing_glyphs
from documents.forms import FORMS, UnknownForm
from documents.render import build_document, render_html, render_pdf

TZ = samples.TZ


def pages(code: str, context=None) -> list[str]:
    data = render_pdf(code, context if context is not None else FORMS[code].sample())
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("code", list(FORMS))
def test_every_form_is_a_pdf_with_its_chinese_title_and_an_embedded_font(code):
    data = render_pdf(code, FORMS[code].sample())
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = squash("".join(p.extract_text() for p in reader.pages))
    assert squash(FORMS[code].title) in text
    used = set()
    for page in reader.pages:
        fonts = {name: ref.get_object() for name, ref in page["/Resources"]["/Font"].items()}
        for name in _fonts_that_draw_text(page.get_contents().get_data().decode("latin-1")):
            used.add(str(fonts[name]["/BaseFont"]))
            assert "/FontFile2" in fonts[name]["/FontDescriptor"]  # embedded, not merely named
    assert used and all("NotoSansSC" in name for name in used), used


_TOKEN = re.compile(r"(/[\w+.-]+)\s+[\d.]+\s+Tf|(?<![\w/])(q|Q|Tj|TJ)(?![\w])")


_STRING = re.compile(r"\((?:\\.|[^\\()])*\)")


def _fonts_that_draw_text(stream: str) -> set[str]:
    """The fonts selected when text is shown (Tj/TJ), following q/Q save and restore."""
    current: str | None = None
    saved: list[str | None] = []
    used: set[str] = set()
    stream = _STRING.sub("()", stream)  # a "Q" or "Tj" inside shown text is not an operator
    for match in _TOKEN.finditer(stream):
        font, op = match.groups()
        if font:
            current = font
        elif op == "q":
            saved.append(current)
        elif op == "Q":
            current = saved.pop() if saved else None
        elif current:
            used.add(current)
    return used


@pytest.mark.parametrize("code", list(FORMS))
def test_every_character_of_every_sample_is_in_the_font(code):
    assert missing_glyphs(build_document(code, FORMS[code].sample()).text()) == set()


@pytest.mark.parametrize("code", list(FORMS))
def test_every_form_has_a_printable_page(code):
    html = render_html(code, FORMS[code].sample(), pdf_url="/x.pdf")
    assert "<!doctype html>" in html and FORMS[code].title in html and 'href="/x.pdf"' in html
    assert "data-print" in html and "onclick" not in html


def test_an_unknown_form_is_refused():
    with pytest.raises(UnknownForm):
        render_pdf("no_such_form", {})


def test_a_dict_context_is_validated_like_the_model():
    context = samples.acceptance_notice().model_dump()
    assert render_pdf("acceptance_notice", context).startswith(b"%PDF")
    context["applicant"]["id_number"] = "130402198807150021"
    with pytest.raises(ValidationError, match="校验位"):
        render_pdf("acceptance_notice", context)


def test_a_qr_target_must_be_a_full_address():
    context = samples.acceptance_notice().model_dump() | {"qr_url": "/documents/verify/x/"}
    with pytest.raises(ValidationError, match="完整网址"):
        render_pdf("acceptance_notice", context)


# --- 一次性告知清单 -------------------------------------------------------------------


def test_the_one_time_notice_has_the_citizens_part_and_the_stub():
    first, stub = (squash(t) for t in pages("one_time_notice"))
    ctx = samples.one_time_notice()
    assert "申请人联" in first and "此联交办事职工" in first
    assert "存根联" in stub and "此联由经办部门留底备查" in stub
    for text in (first, stub):
        assert "一次性告知清单" in text and ctx.number in text
        assert "一、尚需提交的材料（共2项）" in text
        assert (
            "购房合同" in text
            and "购房发票或契税完税凭证" in text
            and "您带来的是收据，需提供正式发票" in text
        )
        assert (
            "二、办理流程" in text
            and "三、办理时限" in text
            and "即办" in text
            and "四、其他告知事项" in text
        )
        assert (
            squash(
                "抱歉，您提交的资料缺少《购房合同》、《购房发票或契税完税凭证》，我现在把补办的清单给您，请您完善后再来办理"
            )
            in text
        )
        assert "“请您提供这些资料，齐了后我立即给您办”" in text
        assert "投诉电话12329" in text and "办事职工签名" in text
    # masked on the citizen's part, whole on the stub
    assert mask_id(ctx.applicant.id_number) in first and ctx.applicant.id_number not in first
    assert mask_phone(ctx.applicant.phone) in first and ctx.applicant.phone not in first
    assert ctx.applicant.id_number in stub and ctx.applicant.phone in stub


def _qr_image_modules(page) -> list[list[bool]]:
    images = [i for i in page.images if i.image.size[0] == i.image.size[1] and i.image.size[0] > 100]
    assert len(images) == 1
    image = images[0].image.convert("L")
    return image


def test_the_qr_code_on_the_citizens_part_encodes_the_target_address():
    ctx = samples.one_time_notice()
    reader = PdfReader(io.BytesIO(render_pdf("one_time_notice", ctx)))
    image = _qr_image_modules(reader.pages[0])
    matrix = qr_matrix(ctx.qr_url)
    box = image.size[0] // len(matrix)
    assert box * len(matrix) == image.size[0]
    drawn = [
        [image.getpixel((c * box + box // 2, r * box + box // 2)) < 128 for c in range(len(matrix))]
        for r in range(len(matrix))
    ]
    assert drawn == matrix
    assert not reader.pages[1].images  # the stub has no QR code
    assert ctx.qr_url in reader.pages[0].extract_text().replace("\n", "")


def test_a_phone_consultation_is_a_single_oral_record():
    (only,) = (squash(t) for t in pages("one_time_notice", samples.one_time_notice(channel="phone")))
    assert "口头告知记录" in only and "电话咨询·口头告知" in only and "电话咨询，口头告知，无需签名" in only
    assert "申请人联" not in only


@pytest.mark.parametrize(
    ("signature", "expected"),
    [
        (
            {"method": "paper", "signed_at": datetime(2026, 3, 16, 9, 50, tzinfo=TZ)},
            "已在纸质清单上签字（扫描件已存档）",
        ),
        ({"method": "refused", "note": "表示已知晓"}, "办事职工拒绝签名（经办人注明：表示已知晓）"),
    ],
)
def test_the_signature_state_is_printed(signature, expected):
    ctx = samples.one_time_notice().model_copy(
        update={"signature": samples.OneTimeNoticeContext.model_fields["signature"].annotation(**signature)}
    )
    assert squash(expected) in squash(pages("one_time_notice", ctx)[1])


def test_a_pad_signature_is_drawn_on_both_parts():
    from PIL import Image, ImageDraw

    buf = io.BytesIO()
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(20, 150), (300, 40), (580, 160)], fill=(0, 0, 0, 255), width=6)
    image.save(buf, format="PNG")
    from documents.contexts import Signature

    ctx = samples.one_time_notice().model_copy(
        update={"signature": Signature(method="pad", image_png=buf.getvalue())}
    )
    reader = PdfReader(io.BytesIO(render_pdf("one_time_notice", ctx)))
    assert len(reader.pages[0].images) == 2  # the QR code and the signature
    assert len(reader.pages[1].images) == 1  # the signature on the stub


# --- 受理通知单 -------------------------------------------------------------------


def test_the_acceptance_notice_has_the_eight_items_of_the_rule():
    first, stub = (squash(t) for t in pages("acceptance_notice"))
    ctx = samples.acceptance_notice()
    for text in (first, stub):
        for label in (
            "①申请人姓名",
            "①联系电话",
            "②事项名称",
            "③受理机关",
            "④承办人",
            "④承办人电话",
            "⑤承诺办理时限",
            "⑥受理时间",
            "⑥取件时间",
            "⑦受理编码",
            "⑦查询密码",
            "⑧办件查询、评议、投诉渠道",
        ):
            assert label in text, label
        assert "5个工作日" in text and "2026年3月23日（星期一）" in text and "2026年3月16日10:05" in text
        assert ctx.handler.phone in text  # the handler's office line is printed whole
        assert "查询：12329服务热线" in text and "投诉：投诉电话12329" in text
    assert ctx.query_password in first and ctx.query_password not in stub
    assert "已当场交付申请人（存根联不显示）" in stub
    assert mask_phone(ctx.applicant.phone) in first and ctx.applicant.phone in stub


def test_the_acceptance_notice_refuses_a_deadline_before_acceptance():
    with pytest.raises(ValidationError, match="不能早于受理日期"):
        samples.acceptance_notice().model_validate(
            samples.acceptance_notice().model_dump() | {"deadline": date(2026, 3, 1)}
        )


# --- 补办件、退回件、办结、延期 ------------------------------------------------------------


def test_the_supplement_notice_lists_every_material_and_when_acceptance_starts():
    first, stub = (squash(t) for t in pages("supplement_notice"))
    for text in (first, stub):
        assert "需要补齐或补正的全部材料（共2项）" in text
        assert "住房公积金补缴清册" in text and "清册未加盖单位公章，请盖章后补正" in text
        assert "申请人补齐或补正材料之日为该事项正式受理之日。" in text
        assert "办理时限从您补全材料的次日起计算" in text


def test_the_rejection_notice_gives_the_reason_and_the_review_and_appeal_route():
    first, stub = (squash(t) for t in pages("rejection_notice"))
    for text in (first, stub):
        assert "不予受理的理由" in text and "申请人及配偶在本市名下有自有住房" in text
        assert "对不予批准的事项有异议的，可向中心申请复核，也可依法申请行政复议或提起行政诉讼" in text
        assert "申请复核" in text and "申请行政复议" in text and "提起行政诉讼" in text
        assert "邯郸市人民政府" in text and "六十日内" in text and "六个月内" in text
        assert "《住房公积金提取申请表》" in text  # returned materials


def test_missing_materials_are_never_a_reason_to_refuse():
    """002 篇5 §二5: 窗口单位不得以申请人提交的材料不全为由拒绝受理。"""
    context = samples.rejection_notice().model_dump() | {"reason": "申请人材料不全，缺少租赁合同。"}
    with pytest.raises(ValidationError, match="补办件通知单"):
        render_pdf("rejection_notice", context)


def test_the_completion_notice_says_on_time_and_the_result():
    first, _ = (squash(t) for t in pages("completion_notice"))
    assert "按期办结" in first and "准予办理" in first and "DK20260320000187" in first
    assert "准予贷款。贷款金额人民币300,000.00元" in first


def test_a_refused_completion_explains_the_refusal_and_the_route():
    first, _ = (squash(t) for t in pages("completion_notice", samples.completion_notice("refused")))
    assert "不予批准" in first and "不予批准的理由" in first and "申请行政复议" in first


def test_a_late_completion_is_printed_as_late_and_a_refusal_needs_its_reason():
    late = samples.completion_notice().model_copy(
        update={"completed_at": datetime(2026, 3, 24, 9, 0, tzinfo=TZ)}
    )
    assert "超过承诺时限办结" in squash(pages("completion_notice", late)[0])
    with pytest.raises(ValidationError, match="书面说明理由"):
        samples.completion_notice().model_validate(
            samples.completion_notice().model_dump() | {"outcome": "refused"}
        )


def test_the_extension_form_carries_the_reason_the_deadline_and_both_opinions():
    (only,) = (squash(t) for t in pages("extension_form"))
    assert "邯郸市住房公积金管理中心办理事项延期申请表" in only
    assert "延期原因" in only and "建房用地批准文件需向自然资源和规划部门核实" in only
    assert (
        "原承诺办结日期" in only
        and "2026年3月23日" in only
        and "延期后办结日期" in only
        and "2026年3月26日" in only
    )
    assert "受理事项的部门负责人意见（规定延期时限）" in only and "同意延期3个工作日" in only
    assert "分管领导意见" in only and "经分管领导同意后方可延期" in only
    assert "■是□否" in only  # explained to the citizen
    assert "视为超时办结" not in only


def test_an_extension_asked_after_the_deadline_is_marked_overdue():
    """000 §五(二)5(2): 超过承诺办结时限才提出延期申请 — 视为超时办结."""
    (only,) = (squash(t) for t in pages("extension_form", samples.extension_form(applied_late=True)))
    assert "超过承诺办结时限才提出延期申请的，视为超时办结" in only


def test_the_extension_must_end_later_than_the_original_deadline():
    data = samples.extension_form().model_dump() | {"requested_deadline": date(2026, 3, 23)}
    with pytest.raises(ValidationError, match="必须晚于原承诺办结日期"):
        samples.extension_form().model_validate(data)


# --- The printable page and the PNG a person looks at ----------------------------------


def test_the_printable_page_masks_the_citizens_part_and_carries_the_qr_address():
    ctx = samples.acceptance_notice()
    html = render_html("acceptance_notice", ctx)
    citizen, stub = html.split('data-audience="citizen"')[1].split('data-audience="archive"')
    assert f'data-qr-url="{ctx.qr_url}"' in citizen and "data-qr-url" not in stub
    assert "<svg" in citizen
    assert mask_phone(ctx.applicant.phone) in citizen and ctx.applicant.phone in stub


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_the_pdf_turns_into_png_pages_with_ink_on_them(tmp_path):
    """Done when: the PDF, turned into PNG, shows correct Chinese with both parts (the
    PNGs are kept in var/screenshots/ for a person to look at)."""
    from PIL import Image

    out = Path("var/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    for code in FORMS:
        pdf = tmp_path / f"{code}.pdf"
        pdf.write_bytes(render_pdf(code, FORMS[code].sample()))
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(out / f"document-{code}")], check=True)
        pngs = sorted(out.glob(f"document-{code}-*.png"))
        assert len(pngs) == len(PdfReader(str(pdf)).pages)
        for png in pngs:
            gray = Image.open(png).convert("L")
            dark = sum(gray.histogram()[:100])
            assert dark > 2000, png  # text was drawn, not empty boxes on a blank page
