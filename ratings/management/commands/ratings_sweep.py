"""Daily sweep of the ratings app (scheduler: once a day, after midnight):

* follow-up deadlines that waited for next year's calendar are computed once the State
  Council's arrangement is published;
* the overdue follow-ups are counted and listed for the business management office
  (they are on its worklist, /ratings/followups/?state=overdue).

    manage.py ratings_sweep
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from common import clock
from ratings.models import FollowUp
from ratings.selectors import follow_up_overdue_q
from ratings.services import follow_ups_fill_deadlines


class Command(BaseCommand):
    help = "补算等待日历的差评回访期限，并列出逾期的差评回访。"

    def handle(self, *args: Any, **options: Any) -> None:
        filled = follow_ups_fill_deadlines(actor="ratings_sweep")
        overdue = FollowUp.objects.filter(follow_up_overdue_q(clock.today())).select_related("branch")
        self.stdout.write(f"补算期限 {filled} 条；逾期差评回访 {overdue.count()} 条")
        for follow_up in overdue.order_by("contact_due", "pk"):
            self.stdout.write(
                f"  #{follow_up.pk} {follow_up.branch.name} {follow_up.opened_on}"
                f" {follow_up.get_status_display()}"
                f" 联系期限 {follow_up.contact_due} 整改期限 {follow_up.rectify_due}"
            )
