"""JSON API of the documents app: which printed forms exist, and their samples."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema

from common.api import errors
from documents.forms import FORMS, form_definition
from documents.render import pdf_response, render_pdf
from org.access import require_roles
from org.auth import bearer_or_session
from org.models import Role

router = Router()


class FormOut(Schema):
    code: str
    title: str
    clause: str
    description: str
    citizen_copy: bool
    sample_html: str
    sample_pdf: str


@router.get("/documents/forms", auth=bearer_or_session, response=list[FormOut], summary="文书种类")
def forms(request: HttpRequest) -> list[dict]:
    require_roles(request.user, tuple(Role))
    return [
        {
            "code": f.code,
            "title": f.title,
            "clause": f.clause,
            "description": f.description,
            "citizen_copy": f.citizen_copy,
            "sample_html": reverse("documents_sample", args=[f.code]),
            "sample_pdf": reverse("documents_sample_pdf", args=[f.code]),
        }
        for f in FORMS.values()
    ]


@router.get(
    "/documents/forms/{code}/sample.pdf",
    auth=bearer_or_session,
    summary="文书样例（PDF）",
    response={200: None, **errors(404)},
)
def sample_pdf(request: HttpRequest, code: str) -> HttpResponse:
    require_roles(request.user, tuple(Role))
    definition = form_definition(code)
    return pdf_response(render_pdf(code, definition.sample()), f"{definition.title}-样例.pdf")
