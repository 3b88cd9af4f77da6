"""投诉 rows of the staff home page's 我的待办 (common.worklist)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from common.worklist import Todo
from complaints import selectors
from org.access import has_role
from org.models import Role

_SEES = (Role.OFFICE, Role.LEADER, Role.HEAD)


def todo_for(user: Any, today: date) -> list[Todo]:
    if not has_role(user, *_SEES):
        return []
    c = selectors.counters(user, today)
    url = reverse("complaint_list")
    return [
        Todo("待受理", c.received, f"{url}?view=todo"),
        Todo("即将到期", c.due_soon, f"{url}?view=due_soon", urgent=True),
        Todo("已超期", c.overdue, f"{url}?view=overdue", urgent=True),
    ]
