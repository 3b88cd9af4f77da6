"""Blocks → a printable HTML page (the same content as the PDF, for the browser's
print dialog and for previews inside staff pages)."""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from common.qr import qr_svg
from documents.blocks import (
    Blank,
    Block,
    Document,
    Fields,
    Heading,
    Para,
    QrBox,
    Signatures,
    Steps,
    Table,
)


def _view(block: Block) -> dict[str, Any]:
    """A plain dict per block for the templates (they cannot test types)."""
    if isinstance(block, Heading):
        return {"kind": "heading", "text": block.text}
    if isinstance(block, Para):
        return {"kind": "para", "text": block.text, "style": block.style}
    if isinstance(block, Fields):
        return {"kind": "fields", "rows": block.rows, "columns": block.columns}
    if isinstance(block, Table):
        return {"kind": "table", "headers": block.headers, "rows": block.rows, "empty_text": block.empty_text}
    if isinstance(block, Steps):
        return {"kind": "steps", "items": block.items}
    if isinstance(block, Signatures):
        lines = [
            {
                "label": line.label,
                "text": line.text,
                "date_text": line.date_text,
                "image": (
                    "data:image/png;base64," + base64.b64encode(line.image_png).decode()
                    if line.image_png
                    else ""
                ),
            }
            for line in block.lines
        ]
        return {"kind": "signatures", "lines": lines}
    if isinstance(block, Blank):
        return {"kind": "blank", "lines": block.lines, "label": block.label}
    raise TypeError(f"unknown block {block!r}")


def _qr(block: QrBox | None) -> dict[str, Any] | None:
    if block is None:
        return None
    # qr_svg is drawn by the qrcode package from the URL; it holds no markup of ours or a user's.
    return {"url": block.url, "caption": block.caption, "svg": mark_safe(qr_svg(block.url))}


def document_view(document: Document) -> dict[str, Any]:
    return {
        "form_code": document.form_code,
        "title": document.title,
        "issuer": document.issuer,
        "number_label": document.number_label,
        "number": document.number,
        "date_text": document.date_text,
        "basis": document.basis,
        "parts": [
            {
                "label": part.label,
                "audience": part.audience.value,
                "keep_note": part.keep_note,
                "qr": _qr(part.qr),
                "blocks": [_view(b) for b in part.blocks],
            }
            for part in document.parts
        ],
    }


def render(document: Document, *, standalone: bool = True, pdf_url: str = "", back_url: str = "") -> str:
    template = "documents/print.html" if standalone else "documents/_document.html"
    return render_to_string(
        template, {"doc": document_view(document), "pdf_url": pdf_url, "back_url": back_url}
    )
