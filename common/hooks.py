"""Hooks: a lower app announces that something happened, the apps built on it act on it,
and the lower app never imports them (docs/architecture.md § Layers).

    # queueing/services/tickets.py (ticket_complete) — inside the transaction that finishes the ticket
    hooks.fire("ticket_completed", ticket=ticket, at=now)

    # ratings/apps.py — ready()
    hooks.connect("ticket_completed", "ratings.services:ticket_completed")

Receivers run synchronously, in the caller's transaction and in the order they were
connected: a receiver's failure rolls the whole change back, so a finished service and
its rating token (or a completed case and its 12329 callback) commit together or not at
all. Unlike Django's signals, an unknown hook name is an error, and receivers are named
by "module:function" so that connecting imports nothing until the hook fires.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

# Every hook the project fires, with what it passes. A new hook is added here first.
HOOKS: dict[str, str] = {
    "ticket_completed": "queueing: a service finished at a window (ticket, at)",
    "case_completed": "cases: a case completed (办结) (case, at)",
    "complaint_fine_recorded": "complaints: a valid complaint's fine was recorded (fine, actor, at)",
    "complaint_fine_withdrawn": "complaints: a valid complaint's fine withdrawn (fine, actor, reason, at)",
    "breach_recorded": "inquiries: a first-inquiry breach was recorded (breach, actor, at)",
    "breach_withdrawn": "inquiries: a first-inquiry breach was withdrawn (breach, actor, reason, at)",
    # Questions: `ask` returns the first answer that is not None.
    "case_rating_path": "cases asks: the path of a case's online rating page, or None (case)",
    "evaluator_context": "queueing asks: what the counter tablet's evaluator needs (branch, number)",
}

_receivers: dict[str, list[str]] = {name: [] for name in HOOKS}


def connect(name: str, target: str) -> None:
    """Run `target` ("module:function") whenever `name` fires (once per target)."""
    if name not in HOOKS:
        raise KeyError(f"unknown hook {name!r}; known: {sorted(HOOKS)}")
    if target not in _receivers[name]:
        _receivers[name].append(target)


def fire(name: str, **kwargs: Any) -> None:
    """Call every receiver of `name` with the keyword arguments, in connection order."""
    if name not in HOOKS:
        raise KeyError(f"unknown hook {name!r}")
    for target in _receivers[name]:
        module, function = target.split(":")
        receiver: Callable[..., Any] = getattr(import_module(module), function)
        receiver(**kwargs)


def ask(name: str, **kwargs: Any) -> Any:
    """The first answer of `name`'s receivers that is not None (None when nobody knows)."""
    if name not in HOOKS:
        raise KeyError(f"unknown hook {name!r}")
    for target in _receivers[name]:
        module, function = target.split(":")
        answer = getattr(import_module(module), function)(**kwargs)
        if answer is not None:
            return answer
    return None


def receivers(name: str) -> list[str]:
    return list(_receivers[name])
