"""The form catalogue and samples (staff), the QR landing page (public), the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.forms import FORMS

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    for url in (reverse("documents_index"), reverse("documents_sample", args=["acceptance_notice"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["teller", "guide", "inspector"])
def test_roles_that_do_not_manage_forms_are_refused(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("documents_index")).status_code == 403
    assert client.get(reverse("documents_sample_pdf", args=["acceptance_notice"])).status_code == 403


@pytest.mark.parametrize("role", ["head", "office", "leader", "admin"])
def test_heads_the_office_leaders_and_administrators_see_every_form(client, make_user, role):
    client.force_login(make_user(role))
    html = client.get(reverse("documents_index")).content.decode()
    for definition in FORMS.values():
        assert definition.title in html and reverse("documents_sample_pdf", args=[definition.code]) in html


def test_a_sample_opens_as_a_page_and_as_a_pdf(client, make_user):
    client.force_login(make_user("office"))
    page = client.get(reverse("documents_sample", args=["rejection_notice"]))
    assert page.status_code == 200 and "退回件（不予受理）通知单" in page.content.decode()
    pdf = client.get(reverse("documents_sample_pdf", args=["rejection_notice"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("documents_sample", args=["no_such_form"])).status_code == 404


def test_the_qr_landing_page_is_public_and_shows_nothing_of_the_case(client):
    html = client.get(reverse("documents_verify", args=["SL2026031600012"])).content.decode()
    assert "SL2026031600012" in html and "12329" in html and "查询密码" in html
    assert client.get("/documents/verify/<script>/").status_code == 404


def test_the_api_lists_the_forms_to_staff_only(client, make_user):
    assert client.get("/api/v1/documents/forms").status_code == 401
    client.force_login(make_user("teller"))
    body = client.get("/api/v1/documents/forms").json()
    assert [f["code"] for f in body] == list(FORMS)
    pdf = client.get("/api/v1/documents/forms/extension_form/sample.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/api/v1/documents/forms/nope/sample.pdf").status_code == 404
