"""The queue's rule set, typed: `queue_rules(day).params.slot_minutes`.

Every take, call at a green-channel window, estimate and board refresh needs it, so the
answer is kept per process for a few seconds (issue 16.3: no rule-set look-up on every
request). A rule-set row never changes (a revision is a new row); what may change is
which row is in force, when an administrator adopts a revision: the process that saves
it forgets its cached answers at once (post_save, queueing/apps.py), the others within
CACHE_SECONDS. Inside a transaction the cache is not used, so that a transaction that
adopted a revision reads it back (and so do the tests, which run in one).
"""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any, cast

from django.db import connection

from rules.models import RuleKind
from rules.schemas import QueueParams
from rules.selectors import RulesInForce, rule_set_in_force

CACHE_SECONDS = 5.0


def queue_rules(on: date) -> RulesInForce[QueueParams]:
    """The `queue` rule set in force on `on` (NoRulesInForce, a 409, when none is).

    At most one indexed query per CACHE_SECONDS and day in a process. The parsed params
    are kept per row: a row's params are validated once per process."""
    cacheable = not connection.in_atomic_block
    if cacheable:
        hit = _in_force.get(on)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
    row = rule_set_in_force(RuleKind.QUEUE, on)
    key = (row.pk, row.ref, row.created_at)
    params = _parsed.get(key)
    if params is None:
        parsed = row.parsed()
        if not isinstance(parsed, QueueParams):  # pragma: no cover — the registry maps the kind
            raise TypeError(f"queue rules parsed as {type(parsed).__name__}")
        params = _parsed[key] = parsed
    rules = cast(RulesInForce[QueueParams], RulesInForce(rule_set=row, params=params))
    if cacheable:
        with _lock:
            if len(_in_force) > 64:  # a long-running process walks through the days
                _in_force.clear()
            _in_force[on] = (time.monotonic(), rules)
    return rules


def forget(*args: Any, **kwargs: Any) -> None:
    """A rule set was saved or deleted in this process: read it again next time."""
    with _lock:
        _in_force.clear()


_parsed: dict[tuple[object, ...], QueueParams] = {}
_in_force: dict[date, tuple[float, RulesInForce[QueueParams]]] = {}
_lock = threading.Lock()
