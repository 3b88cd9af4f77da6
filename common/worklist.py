"""The staff home page's "我的待办": each app registers a function that counts what
waits for a user (its own worklists), so the home page shows every role its work at a
glance without org importing the later apps.

    worklist.register("cases", "办件", cases.worklist:todo_for, order=30)

A counter function takes (user, today) and returns Todo rows; it must run a bounded
number of queries (one aggregate) because the home page calls all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str
    urgent: bool = False  # overdue or due today: shown in red


@dataclass(frozen=True)
class Source:
    label: str
    target: str  # "module:function"
    order: int


_sources: dict[str, Source] = {}


def register(label: str, target: str, *, order: int = 100) -> None:
    _sources[target] = Source(label, target, order)


def todos_for(user: Any, today: date) -> list[dict[str, Any]]:
    """[{"label": "办件", "items": [Todo, …]}, …] with only non-empty rows."""
    groups = []
    for source in sorted(_sources.values(), key=lambda s: (s.order, s.label)):
        module, function = source.target.split(":")
        counter: Callable[[Any, date], list[Todo]] = getattr(import_module(module), function)
        items = [t for t in counter(user, today) if t.count]
        if items:
            groups.append({"label": source.label, "items": items})
    return groups
