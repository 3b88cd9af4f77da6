"""List the facilities that have expired or expire within the warning days
(000 §四(三)3 灭火器、消防栓均在有效期). Meant for cron, once each working morning:

    .venv/bin/python manage.py supervision_facilities

Prints one line per facility and a summary; exits with status 1 when any has expired
(so a scheduler can alert), 0 otherwise. `--days N` overrides the warning days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.services import audit_record
from common import clock
from supervision.selectors import facilities_needing_attention


class Command(BaseCommand):
    help = "列出已过期和即将到期的消防与便民设施（000 §四(三)3）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="提前提示的天数（默认取产品设置）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        rows = facilities_needing_attention(today=today, warn_days=options["days"])
        for s in rows:
            f = s.facility
            self.stdout.write(
                f"{s.label}\t{f.branch.name}\t{f.get_kind_display()}\t{f.location}\t{f.serial or '-'}\t"
                f"有效期至 {f.valid_until:%Y-%m-%d}"
            )
        expired = sum(1 for s in rows if s.state == "expired")
        summary = f"{today:%Y-%m-%d}：已过期 {expired} 项，即将到期 {len(rows) - expired} 项。"
        self.stdout.write(summary)
        if rows:
            audit_record(actor="supervision_facilities", action="supervision.facility.warn", summary=summary)
        if expired:
            raise CommandError(f"有 {expired} 项设施已过期，请立即更换或检验。", returncode=1)
