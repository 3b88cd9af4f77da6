"""Pages of the documents app: the form catalogue with sample previews (staff), and the
public page a QR code on a citizen's copy opens until the status page exists."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from documents.forms import FORMS, form_definition
from documents.render import pdf_response, render_html, render_pdf
from org.access import role_required
from org.models import Centre, Role

PREVIEW_ROLES = (Role.HEAD, Role.OFFICE, Role.LEADER, Role.ADMIN)
_CODE = re.compile(r"^[A-Za-z0-9-]{4,40}$")


@role_required(*PREVIEW_ROLES)
def documents_index(request: HttpRequest) -> HttpResponse:
    """Every printed form, with its clause and a sample in HTML and PDF."""
    return render(request, "documents/index.html", {"forms": list(FORMS.values())})


def _sample(code: str):  # type: ignore[no-untyped-def]
    if code not in FORMS:
        raise Http404("没有这种文书。")
    return form_definition(code)


@role_required(*PREVIEW_ROLES)
def documents_sample(request: HttpRequest, code: str) -> HttpResponse:
    definition = _sample(code)
    html = render_html(
        code,
        definition.sample(),
        pdf_url=reverse("documents_sample_pdf", args=[code]),
        back_url=reverse("documents_index"),
    )
    return HttpResponse(html)


@role_required(*PREVIEW_ROLES)
def documents_sample_pdf(request: HttpRequest, code: str) -> HttpResponse:
    definition = _sample(code)
    return pdf_response(render_pdf(code, definition.sample()), f"{definition.title}-样例.pdf")


def documents_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Where the QR code of a citizen's copy leads (no login). It explains what the
    number is and how to follow the case; the cases app will point QR codes at its own
    status and rating page. Nothing about the case is shown here: the number alone is
    not proof of who is asking (the query password is)."""
    if not _CODE.match(code):
        raise Http404("二维码内容无效。")
    return render(request, "documents/verify.html", {"code": code.upper(), "centre": Centre.objects.first()})
