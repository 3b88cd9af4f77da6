"""Blocks → PDF (ReportLab platypus), A4 portrait, Chinese in embedded Noto Sans SC.

Two-part forms (申请人联 / 存根联) share one sheet with a cut line when both fit on
it, and start a new sheet otherwise; a part is never split across sheets unless it is
longer than a sheet by itself.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from common.qr import qr_png
from documents.blocks import (
    Blank,
    Block,
    Document,
    Fields,
    Heading,
    Para,
    Part,
    QrBox,
    Signatures,
    Steps,
    Table,
)
from documents.fonts import BOLD, REGULAR, register_fonts

PAGE_W, PAGE_H = A4
MARGIN_X = 16 * mm
MARGIN_TOP = 12 * mm
MARGIN_BOTTOM = 15 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
CUT_H = 12 * mm
# Measured heights run a little short of the laid-out ones (table padding, leading).
SAFETY = 10 * mm

INK = colors.HexColor("#1c2733")
MUTED = colors.HexColor("#5b6b7c")
LINE = colors.HexColor("#8a97a6")
FILL = colors.HexColor("#eef2f7")
RED = colors.HexColor("#b8282e")


def _style(
    name: str, font: str = REGULAR, size: float = 10, leading: float = 15, **kw: Any
) -> ParagraphStyle:
    kw.setdefault("textColor", INK)
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw)


STYLES = {
    "issuer": _style("issuer", size=10, leading=14, alignment=TA_CENTER, textColor=MUTED),
    "title": _style("title", BOLD, 18, 24, alignment=TA_CENTER),
    "part": _style("part", BOLD, 11, 14, alignment=TA_CENTER, textColor=RED),
    "part_note": _style("part_note", size=7, leading=9, alignment=TA_CENTER, textColor=RED),
    "meta": _style("meta", size=9, leading=13),
    "meta_right": _style("meta_right", size=9, leading=13, alignment=TA_RIGHT),
    "heading": _style("heading", BOLD, 10.5, 14, spaceBefore=4, spaceAfter=1.5),
    "body": _style("body", size=9.5, leading=13.5, spaceAfter=1),
    "lead": _style("lead", BOLD, 10.5, 16, spaceBefore=5, spaceAfter=3),
    "note": _style("note", size=8.5, leading=12, textColor=MUTED, spaceAfter=2),
    "strong": _style("strong", BOLD, 10, 15, textColor=RED, spaceBefore=3, spaceAfter=3),
    "phrase": _style("phrase", size=10, leading=15, spaceBefore=4, spaceAfter=2, leftIndent=4 * mm),
    "step": _style("step", size=9.5, leading=13.5, leftIndent=5 * mm, firstLineIndent=-5 * mm),
    "cell": _style("cell", size=9, leading=12),
    "cell_head": _style("cell_head", BOLD, 9, 12),
    "label": _style("label", size=9, leading=12, textColor=MUTED),
    "keep": _style("keep", size=8.5, leading=12, alignment=TA_RIGHT, textColor=MUTED),
    "qr_caption": _style("qr_caption", size=6.5, leading=8, textColor=MUTED),
    "qr_url": _style("qr_url", size=7.5, leading=10, textColor=MUTED, alignment=TA_LEFT),
}


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), STYLES[style])


class CutLine(Flowable):
    """A dashed line with scissors between the two parts of a sheet."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, CUT_H

    def draw(self) -> None:
        c = self.canv
        y = CUT_H / 2
        c.setStrokeColor(LINE)
        c.setDash(3, 2)
        c.setLineWidth(0.6)
        c.line(0, y, self.width, y)
        c.setDash()
        label = "✂ 沿此线裁开"
        c.setFont(REGULAR, 8)
        w = c.stringWidth(label, REGULAR, 8)
        c.setFillColor(colors.white)
        c.rect(self.width / 2 - w / 2 - 4, y - 5, w + 8, 10, stroke=0, fill=1)
        c.setFillColor(MUTED)
        c.drawCentredString(self.width / 2, y - 3, label)


def _fields(block: Fields) -> RLTable:
    label_w = 23 * mm
    n = max(1, block.columns)
    value_w = (FRAME_W - n * label_w) / n
    rows: list[list[Any]] = []
    pairs = list(block.rows)
    for i in range(0, len(pairs), n):
        row: list[Any] = []
        for label, value in pairs[i : i + n]:
            row += [_p(label, "label"), _p(value or "—", "cell")]
        while len(row) < 2 * n:
            row += ["", ""]
        rows.append(row)
    table = RLTable(rows, colWidths=[label_w, value_w] * n)
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for c in range(0, 2 * n, 2):
        style.append(("BACKGROUND", (c, 0), (c, -1), FILL))
    table.setStyle(TableStyle(style))
    return table


def _table(block: Table) -> RLTable:
    total = sum(block.widths)
    widths = [FRAME_W * w / total for w in block.widths]
    head = [_p(h, "cell_head") for h in block.headers]
    body: list[list[Any]] = [[_p(cell, "cell") for cell in row] for row in block.rows]
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("BACKGROUND", (0, 0), (-1, 0), FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if not body:
        body = [[_p(block.empty_text, "cell")] + [""] * (len(head) - 1)]
        style.append(("SPAN", (0, 1), (-1, 1)))
    table = RLTable([head, *body], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _steps(block: Steps) -> list[Flowable]:
    return [_p(f"{i}．{item}", "step") for i, item in enumerate(block.items, start=1)]


def _signature_image(png: bytes) -> Image:
    w, h = ImageReader(io.BytesIO(png)).getSize()
    max_w, max_h = 45 * mm, 11 * mm
    scale = min(max_w / w, max_h / h)
    return Image(io.BytesIO(png), width=w * scale, height=h * scale)


def _signatures(block: Signatures) -> RLTable:
    rows = []
    for line in block.lines:
        content: Any = _signature_image(line.image_png) if line.image_png else _p(line.text, "cell")
        rows.append(
            [_p(line.label + "：", "cell_head"), content, _p("日期：", "label"), _p(line.date_text, "cell")]
        )
    table = RLTable(rows, colWidths=[32 * mm, 78 * mm, 14 * mm, FRAME_W - 124 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.6, INK),
                ("LINEBELOW", (3, 0), (3, -1), 0.6, INK),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _blank(block: Blank) -> RLTable:
    table = RLTable([[_p(block.label, "note")]], colWidths=[FRAME_W], rowHeights=[block.lines * 7 * mm])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


QR_SIZE = 20 * mm


def _qr(block: QrBox) -> list[Flowable]:
    """The code in the header's left corner, its caption under it."""
    image = Image(io.BytesIO(qr_png(block.url)), width=QR_SIZE, height=QR_SIZE)
    image.hAlign = "LEFT"
    return [image, _p(block.caption, "qr_caption")]


def block_flowables(block: Block) -> list[Flowable]:
    if isinstance(block, Heading):
        return [_p(block.text, "heading")]
    if isinstance(block, Para):
        text = f"“{block.text}”" if block.style == "phrase" else block.text
        return [_p(text, block.style if block.style in STYLES else "body")]
    if isinstance(block, Fields):
        return [_fields(block), Spacer(1, 2 * mm)]
    if isinstance(block, Table):
        return [_table(block), Spacer(1, 1.5 * mm)]
    if isinstance(block, Steps):
        return _steps(block)
    if isinstance(block, Signatures):
        return [_signatures(block), Spacer(1, 2 * mm)]
    if isinstance(block, Blank):
        return [_blank(block)]
    raise TypeError(f"unknown block {block!r}")


def _header(document: Document, part: Part) -> list[Flowable]:
    title_cell = [_p(document.issuer, "issuer"), _p(document.title, "title")]
    side = 30 * mm if (part.qr or part.label) else 0
    label: Any = [_p(part.label, "part"), _p(part.keep_note, "part_note")] if part.label else ""
    corner: Any = _qr(part.qr) if part.qr else ""
    head = RLTable([[corner, title_cell, label]], colWidths=[side, FRAME_W - 2 * side, side])
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (2, 0), (2, 0), "RIGHT"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
    ]
    if part.label:
        style.append(("BOX", (2, 0), (2, 0), 1, RED))
    head.setStyle(TableStyle(style))
    meta = RLTable(
        [
            [
                _p(f"{document.number_label}：{document.number}", "meta"),
                _p(f"日期：{document.date_text}", "meta_right"),
            ]
        ],
        colWidths=[FRAME_W / 2, FRAME_W / 2],
    )
    meta.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [head, Spacer(1, 2 * mm), meta, Spacer(1, 1.5 * mm)]


def part_flowables(document: Document, part: Part) -> list[Flowable]:
    flows = _header(document, part)
    for block in part.blocks:
        flows += block_flowables(block)
    if part.qr:
        flows.append(_p(f"二维码网址：{part.qr.url}", "qr_url"))
    if part.keep_note and not part.label:
        flows.append(_p(f"（{part.keep_note}）", "keep"))
    return flows


def _height(flows: list[Flowable]) -> float:
    total = 0.0
    for f in flows:
        _, h = f.wrap(FRAME_W, FRAME_H)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _footer(document: Document):  # type: ignore[no-untyped-def]
    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        right = f"{document.title} · 第{doc.page}页"
        room = FRAME_W - canvas.stringWidth(right, REGULAR, 7.5) - 6 * mm
        basis = document.basis
        while basis and canvas.stringWidth(basis, REGULAR, 7.5) > room:
            basis = basis[:-2] + "…"
        canvas.drawString(MARGIN_X, 8 * mm, basis)
        canvas.drawRightString(PAGE_W - MARGIN_X, 8 * mm, right)
        canvas.restoreState()

    return draw


def render(document: Document) -> bytes:
    register_fonts()
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{document.title} {document.number}",
        author=document.issuer,
        subject=document.title,
        creator="住房公积金窗口服务管理系统",
        invariant=1,
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        FRAME_W,
        FRAME_H,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="form", frames=[frame], onPage=_footer(document))])

    story: list[Flowable] = []
    used = 0.0
    for i, part in enumerate(document.parts):
        flows = part_flowables(document, part)
        height = _height(flows)
        fits_a_sheet = height <= FRAME_H - SAFETY
        if i > 0:
            if fits_a_sheet and used + CUT_H + height <= FRAME_H - SAFETY:
                story.append(CutLine())
                used += CUT_H
            else:
                story.append(PageBreak())
                used = 0.0
        story.append(KeepTogether(flows) if fits_a_sheet else _Flows(flows))
        used = used + height if fits_a_sheet else FRAME_H  # after a long part, start afresh
    doc.build([f for item in story for f in (item.flows if isinstance(item, _Flows) else [item])])
    return buf.getvalue()


class _Flows:
    """A run of flowables that may split across sheets (a part longer than a sheet)."""

    def __init__(self, flows: list[Flowable]) -> None:
        self.flows = flows
