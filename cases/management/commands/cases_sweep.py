"""The daily round of the time limits, run by a scheduler (e.g. each working morning at
7:30 and again at noon):

    python manage.py cases_sweep

Computes deadlines that waited for a year's holiday notice, reminds the first
responsible person before a deadline (on screen and by text), flags new overdue cases
with their reasons (000 §五(二)5), asks for the written explanation of escalated cases
without a reply (002 篇5 §三4) and reminds departments of handovers due. Running it
again on the same day sends nothing new."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.services import cases_sweep


class Command(BaseCommand):
    help = "办件时限督办：补算待日历的期限、到期提醒、超时办结认定、上报件解释提醒、联办意见提醒"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = cases_sweep()
        self.stdout.write(
            f"补算期限 {counts['deadlines']} 件，到期提醒 {counts['reminded']} 条，"
            f"新认定超时办结 {counts['overdue']} 件，上报件待解释 {counts['explain']} 件，"
            f"联办意见提醒 {counts['handovers']} 条。"
        )
