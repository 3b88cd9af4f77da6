"""The simulated clock: every service of the project reads the time through
`django.utils.timezone.now` (directly, through the apps' `clock` modules, through
`timezone.localdate()` and through model fields declared `default=timezone.now`).

`SimulatedClock` replaces that one function for the length of a run, and the field
defaults that captured the original function object at import time, so that every row a
service writes (events, audit entries, tokens) carries the simulated moment. No module of
the project binds the name `now` of django.utils.timezone at import (checked by
reports/tests/test_simulate_command.py), so there is nothing else to patch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils import timezone


class SimulatedClock:
    def __init__(self) -> None:
        self._real = timezone.now
        self.moment: datetime | None = None

    def now(self) -> datetime:
        if self.moment is None:
            return self._real()
        return self.moment

    def set(self, moment: datetime) -> None:
        if timezone.is_naive(moment):
            raise ValueError("the simulated clock needs an aware datetime")
        self.moment = moment

    @contextmanager
    def installed(self) -> Iterator[SimulatedClock]:
        """Patch `timezone.now` and the `default=timezone.now` field defaults."""
        real = self._real
        patched: list[Any] = []
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.default is real:
                    field.default = self.now
                    field.__dict__.pop("_get_default", None)  # a cached_property
                    patched.append(field)
        timezone.now = self.now  # type: ignore[assignment]
        try:
            yield self
        finally:
            timezone.now = real  # type: ignore[assignment]
            for field in patched:
                field.default = real
                field.__dict__.pop("_get_default", None)
            self.moment = None
