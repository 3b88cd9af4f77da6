"""Nightly sweep of the appraisal (scheduler: once a day, after the other sweeps):
every published quarter is computed again from the records and compared with its
publication; a quarter whose records changed since (a fine reversed, an inspection
voided, a complaint's finding corrected …) is flagged to the business management office
— on its 工作台 and on the quarter's page — with what changed and the difference it
makes, until the office publishes it again (更正公示).

    manage.py appraisal_sweep
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from appraisal.republication import summary
from appraisal.services import publication_sweep


class Command(BaseCommand):
    help = "核对已公示的季度考核结果与现有记录是否一致，不一致的提示业务管理处更正公示。"

    def handle(self, *args: Any, **options: Any) -> None:
        results = publication_sweep()
        flagged = [(q, c) for q, c in results if c is not None]
        self.stdout.write(f"核对已公示季度 {len(results)} 个；与记录不一致 {len(flagged)} 个")
        for quarter, change in flagged:
            self.stdout.write(
                f"  {quarter}（第{quarter.publication}次公示）：{summary(change.changes) or '计分记录有变动'}"
            )
