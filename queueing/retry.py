"""One place that absorbs transient write conflicts, never by losing a ticket.

SQLite runs with IMMEDIATE transactions and a busy timeout (config/settings.py), so
writers queue up; under a burst a writer can still give up with "database is locked".
PostgreSQL may end a transaction with a deadlock or serialization failure. In both
cases the transaction was rolled back completely, so running the whole service again
is safe: the decorator retries the outermost transaction with exponential backoff and
jitter, and re-raises after the last attempt (the caller sees an error, nothing is
half-written). Inside an enclosing atomic block it does not retry: only the outermost
transaction can be replayed.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

ATTEMPTS = 8
FIRST_DELAY = 0.02  # seconds; doubles each attempt (0.02 … 2.56), with jitter
_TRANSIENT = ("database is locked", "database table is locked", "deadlock detected", "could not serialize")


def is_transient(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and any(marker in text for marker in _TRANSIENT)


def retry_on_conflict(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        delay = FIRST_DELAY
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return func(*args, **kwargs)
            except OperationalError as exc:
                if not is_transient(exc) or connection.in_atomic_block or attempt == ATTEMPTS:
                    raise
                logger.warning("%s: %s — retry %d/%d", func.__qualname__, exc, attempt, ATTEMPTS - 1)
                time.sleep(delay * (1 + random.random()))
                delay *= 2
        raise AssertionError("unreachable")

    return wrapper
