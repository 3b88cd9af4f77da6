"""The page layout shared by the printable management reports: A4, Chinese in the
project's embedded Noto Sans SC (documents.fonts), a running header with the centre
and the report's title, a footer with the page number and the time it was printed,
tables that repeat their header row across pages, and a scrub of free text so that
no identity or phone number a citizen typed into a comment is printed whole."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from common import clock
from documents.fonts import BOLD, REGULAR, missing_glyphs, register_fonts

INK = colors.HexColor("#1c2733")
MUTED = colors.HexColor("#5b6b7c")
LINE = colors.HexColor("#b9c3cf")
FILL = colors.HexColor("#e8eff8")
BLUE = colors.HexColor("#1f4e8c")
RED = colors.HexColor("#b8282e")
GREEN = colors.HexColor("#1d7a46")
AMBER = colors.HexColor("#b7791f")
MARGIN = 16 * mm
HEADING_ROOM = 45 * mm


def _style(
    name: str, font: str = REGULAR, size: float = 9.5, leading: float = 14, **kw: Any
) -> ParagraphStyle:
    kw.setdefault("textColor", INK)
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw)


STYLES = {
    "cover_org": _style("cover_org", size=14, leading=20, alignment=TA_CENTER, textColor=MUTED),
    "cover_title": _style("cover_title", BOLD, 26, 36, alignment=TA_CENTER, spaceBefore=6, spaceAfter=6),
    "cover_sub": _style("cover_sub", size=13, leading=20, alignment=TA_CENTER),
    "title": _style("title", BOLD, 17, 24, alignment=TA_CENTER, spaceAfter=4),
    "subtitle": _style("subtitle", size=10, leading=15, alignment=TA_CENTER, textColor=MUTED, spaceAfter=6),
    "h1": _style("h1", BOLD, 13, 18, spaceBefore=10, spaceAfter=5, textColor=BLUE),
    "h2": _style("h2", BOLD, 10.5, 15, spaceBefore=6, spaceAfter=3),
    "body": _style("body", spaceAfter=2),
    "note": _style("note", size=8, leading=11, textColor=MUTED, spaceBefore=3, spaceAfter=2),
    "cell": _style("cell", size=8.5, leading=11.5),
    "cell_num": _style("cell_num", size=8.5, leading=11.5, alignment=TA_RIGHT),
    "cell_head": _style("cell_head", BOLD, 8.5, 11.5),
    "cell_head_num": _style("cell_head_num", BOLD, 8.5, 11.5, alignment=TA_RIGHT),
    "stat_num": _style("stat_num", BOLD, 15, 19, alignment=TA_CENTER, textColor=BLUE),
    "stat_label": _style("stat_label", size=8, leading=10.5, alignment=TA_CENTER, textColor=MUTED),
    "entry": _style("entry", size=9.5, leading=15, leftIndent=3 * mm, spaceAfter=4),
    "sign": _style("sign", size=10.5, leading=22),
}


def para(text: object, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), STYLES[style])


def _cell(value: object, numeric: bool, head: bool) -> Paragraph:
    style = ("cell_head" if head else "cell") + ("_num" if numeric else "")
    if value is None or value == "":
        value = "—"
    return para(value, style)


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    numeric: Sequence[int] = (),
    empty: str = "无",
) -> Flowable:
    """A data table: header row repeated on every page, numbers right-aligned."""
    if not rows:
        return para(empty, "note")
    data = [[_cell(h, i in numeric, True) for i, h in enumerate(header)]]
    data += [[_cell(v, i in numeric, False) for i, v in enumerate(r)] for r in rows]
    t = Table(data, colWidths=list(widths), repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), FILL),
                ("GRID", (0, 0), (-1, -1), 0.4, LINE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                *[
                    ("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f7f9fc"))
                    for i in range(2, len(data), 2)
                ],
            ]
        )
    )
    return t


def stats(items: Sequence[tuple[str, object]], width: float) -> Flowable:
    """A row of key figures (number over label), like the .stat cards of the pages."""
    per_row = len(items) if len(items) <= 5 else min(5, -(-len(items) // 2))
    cells = [[para(value, "stat_num"), para(label, "stat_label")] for label, value in items]
    rows = []
    for i in range(0, len(cells), per_row):
        chunk = cells[i : i + per_row]
        chunk += [["", ""]] * (per_row - len(chunk))
        rows.append([Table([[c[0]], [c[1]]], colWidths=[width / per_row - 4]) for c in chunk])
    t = Table(rows, colWidths=[width / per_row] * per_row)
    t.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.4, LINE),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, LINE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return t


def gap(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


class Report:
    """One report being laid out: `build(story)` returns the PDF bytes."""

    def __init__(self, *, title: str, header: str, landscape_pages: bool = False) -> None:
        register_fonts()
        self.title = title
        self.header = header
        self.pagesize = landscape(A4) if landscape_pages else A4
        self.printed_at: datetime = clock.local()

    @property
    def width(self) -> float:
        return self.pagesize[0] - 2 * MARGIN

    def _decorate(self, canvas: Canvas, doc: Any) -> None:
        w, h = self.pagesize
        canvas.saveState()
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, h - 11 * mm, w - MARGIN, h - 11 * mm)
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, h - 9.5 * mm, self.header)
        canvas.drawRightString(w - MARGIN, h - 9.5 * mm, self.title)
        canvas.line(MARGIN, 11 * mm, w - MARGIN, 11 * mm)
        canvas.drawString(MARGIN, 7.5 * mm, f"打印时间：{self.printed_at:%Y-%m-%d %H:%M}")
        canvas.drawRightString(w - MARGIN, 7.5 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    def build(self, story: list[Flowable]) -> bytes:
        buffer = io.BytesIO()
        w, h = self.pagesize
        doc = BaseDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=15 * mm,
            bottomMargin=15 * mm,
            title=self.title,
            author=self.header,
            creator="住房公积金窗口服务管理系统",
        )
        frame = Frame(MARGIN, 14 * mm, w - 2 * MARGIN, h - 29 * mm, id="body", leftPadding=0, rightPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])
        doc.build(keep_headings(story))
        return buffer.getvalue()


def _is_heading(f: Flowable) -> bool:
    return isinstance(f, Paragraph) and f.style.name in ("h1", "h2")


def keep_headings(story: list[Flowable]) -> list[Flowable]:
    """A heading never ends a page: before a heading (or a run of them) the page breaks
    when less than a few lines are left; a long table after it still splits normally."""
    out: list[Flowable] = []
    for i, f in enumerate(story):
        if _is_heading(f) and not (i and _is_heading(story[i - 1])):
            out.append(CondPageBreak(HEADING_ROOM))
        out.append(f)
    return out


def undrawable(texts: Sequence[str]) -> set[str]:
    """Characters of the texts the embedded font cannot draw (tests assert none)."""
    found: set[str] = set()
    for text in texts:
        found |= missing_glyphs(text)
    return found
