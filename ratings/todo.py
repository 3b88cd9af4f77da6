"""差评整改 rows of the staff home page's 我的待办 (common.worklist)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from common.worklist import Todo
from org.access import has_role
from org.models import Role
from ratings.models import FollowUp, FollowUpStatus
from ratings.selectors import follow_up_overdue_q

_SEES = (Role.OFFICE, Role.LEADER, Role.HEAD)


def todo_for(user: Any, today: date) -> list[Todo]:
    if not has_role(user, *_SEES):
        return []
    row = FollowUp.objects.visible_to(user).aggregate(
        active=Count("pk", filter=~Q(status=FollowUpStatus.CLOSED)),
        overdue=Count("pk", filter=follow_up_overdue_q(today)),
    )
    url = reverse("ratings_follow_ups")
    return [
        Todo("差评核实整改中", row["active"], f"{url}?state=active"),
        Todo("整改超期", row["overdue"], f"{url}?state=overdue", urgent=True),
    ]
