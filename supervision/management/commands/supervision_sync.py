"""Enter in the violations ledger the valid-complaint fines and first-inquiry breaches
of the current and the previous month that are not there yet, and reverse the lines
whose source was withdrawn. For cron (daily):

    .venv/bin/python manage.py supervision_sync
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from common import clock
from supervision.services import violation_sync_sources


class Command(BaseCommand):
    help = "把有效投诉处罚和违反首问负责制记录同步到违规处罚台账。"

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        result = violation_sync_sources(actor="supervision_sync", start=start, end=today)
        self.stdout.write(
            f"{start:%Y-%m-%d}–{today:%Y-%m-%d}：新增 {result.added} 条，冲正 {result.reversed} 条。"
        )
