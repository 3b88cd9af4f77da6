"""The one renderer of every printed form:

    from documents.render import render_pdf, render_html
    pdf = render_pdf("acceptance_notice", context)     # bytes, A4, Chinese embedded
    page = render_html("acceptance_notice", context)   # a printable HTML page

`context` is the form's pydantic model (documents.contexts) or a dict that validates
against it; a context that does not validate raises pydantic.ValidationError (its
messages are Chinese and name the field), never a half-printed form.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from pydantic import BaseModel

from documents import html, pdf
from documents.blocks import Document
from documents.forms import FORMS, FormDefinition, form_definition

__all__ = ["FORMS", "build_document", "pdf_response", "render_html", "render_pdf"]


def build_document(form_code: str, context: BaseModel | dict[str, Any]) -> Document:
    definition: FormDefinition = form_definition(form_code)
    return definition.build(definition.context(context))


def render_pdf(form_code: str, context: BaseModel | dict[str, Any]) -> bytes:
    return pdf.render(build_document(form_code, context))


def render_html(
    form_code: str,
    context: BaseModel | dict[str, Any],
    *,
    standalone: bool = True,
    pdf_url: str = "",
    back_url: str = "",
) -> str:
    return html.render(
        build_document(form_code, context), standalone=standalone, pdf_url=pdf_url, back_url=back_url
    )


def pdf_response(data: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    """The PDF inline (opens in the browser's viewer for printing) or as a download."""
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    # RFC 6266/5987: an ASCII fallback plus the UTF-8 name, so Chinese names survive.
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"{disposition}; filename=\"document.pdf\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response
