"""Fuzzing the whole API (issue 15): schemathesis generates requests for every operation
of /api/v1/openapi.json — valid ones and broken ones (NUL bytes, huge numbers, odd
digits, missing fields) — as the public, as a member of staff and as a hall device, on the
database the suite runs on (SQLite, then PostgreSQL). No answer may be a 5xx, and every
answer must match the schema the operation documents (status and body).

The number of examples per operation is WSM_FUZZ_EXAMPLES (default 12; CI's second pass
and a local hunt may raise it)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

EXAMPLES = int(os.environ.get("WSM_FUZZ_EXAMPLES", "12"))


# Building the OpenAPI document needs no database: the schema is read at import.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _connections_stay_open():
    """Requests go straight into the WSGI application: keep Django from closing the
    test's database connection at the end of each (as its own test client does)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def demo_centre(db):
    """The demo centre, so that codes, numbers and windows in requests can hit real rows."""
    from org.demo import seed_demo

    seed_demo()


@pytest.fixture
def staff_token(demo_centre):
    """The API token of the business management office (业务管理处) of the demo centre."""
    from django.contrib.auth import get_user_model

    from org.services import api_token_issue

    office = get_user_model().objects.get(username="office1")
    return {"Authorization": f"Bearer {api_token_issue(actor='fuzz', user=office, name='fuzz')}"}


@pytest.fixture
def device_token(demo_centre):
    """The token of a counter tablet at window 1 of 中心服务大厅."""
    from org.models import Branch, Window
    from queueing.services import device_issue

    hd01 = Branch.objects.get(code="HD01")
    window = Window.objects.get(branch=hd01, number=1)
    _, token = device_issue(actor="fuzz", branch=hd01, kind="counter", name="fuzz", window=window)
    return {"Authorization": f"Bearer {token}"}


FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@schema.parametrize()
@FUZZ
def test_the_public_gets_no_server_error_and_answers_match_the_schema(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_a_member_of_staff_gets_no_server_error_and_answers_match_the_schema(case, staff_token):
    case.call_and_validate(headers=staff_token, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_a_hall_device_gets_no_server_error_and_answers_match_the_schema(case, device_token):
    case.call_and_validate(headers=device_token, checks=CHECKS)
