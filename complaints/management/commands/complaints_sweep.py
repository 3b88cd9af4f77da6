"""Supervision of time limits, run by cron (e.g. every working morning):

    python manage.py complaints_sweep

Marks complaints past their warning line (即将到期) and overdue ones, each once, in
their timeline; computes time limits that were waiting for a year's holiday notice
(complaints and first-inquiry hand-overs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from complaints.services import complaint_sweep
from inquiries.services import inquiry_deadlines_recompute


class Command(BaseCommand):
    help = "投诉时限督办：即将到期提醒、逾期标记、补算待日历的期限"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = complaint_sweep(actor="complaints_sweep")
        handovers = inquiry_deadlines_recompute(actor="complaints_sweep")
        self.stdout.write(
            f"即将到期提醒 {counts['warned']} 件，逾期标记 {counts['overdue']} 件，"
            f"补算投诉期限 {counts['deadlines']} 件，补算首问转交期限 {handovers} 件。"
        )
