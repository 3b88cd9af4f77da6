"""办件 rows of the staff home page's 我的待办 (common.worklist)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from cases import selectors
from common.worklist import Todo

# Worklist tabs worth a line on the home page, with whether they are urgent.
_SHOWN = {
    "mine": False,
    "today": True,
    "overdue": True,
    "supplement": False,
    "handovers": False,
    "extensions": False,
    "review": False,
    "deliver": False,
}


def todo_for(user: Any, today: date) -> list[Todo]:
    counts = selectors.worklist_counts(user, today=today)
    labels = {v.key: v.label for v in selectors.views_for(user)}
    url = reverse("case_worklist")
    return [
        Todo(labels[key], counts[key], f"{url}?view={key}", urgent)
        for key, urgent in _SHOWN.items()
        if key in counts and key in labels
    ]
