"""Roll the statistics up for closed business days (docs/reports.md).

    manage.py reports_rollup                 # yesterday (what the nightly timer runs)
    manage.py reports_rollup --date 2026-11-20
    manage.py reports_rollup --since 2026-01-01   # every day from then to yesterday

Each day is recomputed from the source tables and replaces its stored rows, so running
it again (or after a late correction) is safe. A month that has ended and whose every day
is rolled up is then stored whole as well (periods longer than two months read those).
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common import clock
from common.errors import DomainError
from reports.stats.services import rollup_day, rollup_month


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期“{value}”无效，请按 2026-01-31 的格式填写。") from None


class Command(BaseCommand):
    help = "汇总已结束业务日的统计数据（排队叫号、窗口时长、好差评）；默认汇总昨天。"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--date", help="汇总这一天（YYYY-MM-DD）")
        group.add_argument("--since", help="从这一天起汇总到昨天（YYYY-MM-DD）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        if options["date"]:
            days = [_day(options["date"])]
        elif options["since"]:
            start = _day(options["since"])
            days = [start + timedelta(days=i) for i in range((today - start).days)]
            if not days:
                raise CommandError("起始日期应早于今天。")
        else:
            days = [today - timedelta(days=1)]
        months: set[date] = set()
        for day in days:
            began = time.monotonic()
            try:
                counts = rollup_day(actor="reports_rollup", day=day, today=today, month=False)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            months.add(day.replace(day=1))
            self.stdout.write(
                f"{day:%Y-%m-%d}: "
                + "，".join(f"{k} {v} 行" for k, v in counts.items())
                + f"（{time.monotonic() - began:.1f} 秒）"
            )
        # A month is stored whole once it has ended and every day of it is rolled up.
        for month in sorted(months):
            rows = rollup_month(actor="reports_rollup", month=month, today=today)
            if rows is not None:
                self.stdout.write(f"{month:%Y-%m}: 整月 {rows} 行")
