"""The sample contexts follow the working-day calendar (000 §五(二)2)."""

from __future__ import annotations

from datetime import date

import pytest

from documents import samples
from workdays.calendar import add_workdays

pytestmark = pytest.mark.django_db


def test_the_sample_deadlines_are_what_the_calendar_computes():
    acceptance = samples.acceptance_notice()
    assert add_workdays(acceptance.accepted_at.date(), acceptance.promised_days) == acceptance.deadline
    extension = samples.extension_form()
    assert add_workdays(extension.original_deadline, extension.extension_days) == extension.requested_deadline
    assert extension.original_deadline == date(2026, 3, 23)
