"""Drop this process's deadline index whenever a calendar row changes, whoever
changed it (a service, the admin, a shell). Other processes notice through
`CalendarRevision` (see workdays.calendar)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from workdays.calendar import calendar_invalidate
from workdays.models import CalendarRevision, Day, PublishedYear


def _invalidate(sender: type, **kwargs: Any) -> None:
    calendar_invalidate()


def connect() -> None:
    for model in (Day, PublishedYear, CalendarRevision):
        post_save.connect(
            _invalidate, sender=model, dispatch_uid=f"workdays-invalidate-save-{model.__name__}"
        )
        post_delete.connect(
            _invalidate, sender=model, dispatch_uid=f"workdays-invalidate-delete-{model.__name__}"
        )
