"""The queue's rule set, typed: `queue_rules(day).params.slot_minutes`."""

from __future__ import annotations

from datetime import date
from typing import cast

from rules.models import RuleKind
from rules.schemas import QueueParams
from rules.selectors import RulesInForce, rule_set_in_force


def queue_rules(on: date) -> RulesInForce[QueueParams]:
    """The `queue` rule set in force on `on` (NoRulesInForce, a 409, when none is).

    One indexed query per call, as rules.selectors says. The parsed params are kept per
    row: a rule-set row never changes (a revision is a new row), so a row's params can be
    validated once per process instead of on every ticket."""
    row = rule_set_in_force(RuleKind.QUEUE, on)
    key = (row.pk, row.ref, row.created_at)
    params = _parsed.get(key)
    if params is None:
        parsed = row.parsed()
        if not isinstance(parsed, QueueParams):  # pragma: no cover — the registry maps the kind
            raise TypeError(f"queue rules parsed as {type(parsed).__name__}")
        params = _parsed[key] = parsed
    return cast(RulesInForce[QueueParams], RulesInForce(rule_set=row, params=params))


_parsed: dict[tuple[object, ...], QueueParams] = {}
