"""考核 rows of the staff home page's 我的待办 (common.worklist): published quarters
whose records changed since their publication (appraisal.services.publication_check),
for the business management office, which publishes the correction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from common.worklist import Todo
from org.access import has_role
from org.models import Role


def todo_for(user: Any, today: date) -> list[Todo]:
    if not has_role(user, Role.OFFICE):
        return []
    from appraisal.selectors import changed_quarter_keys

    keys = changed_quarter_keys()
    if len(keys) == 1:
        url = reverse("quarter_detail", args=[keys[0]]) + "#published-change"
    else:
        url = reverse("quarter_list") + "?changed=1"
    return [Todo("已公示的考核结果有变动，待更正公示", len(keys), url, urgent=True)]
