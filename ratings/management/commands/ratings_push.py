"""Push the ratings not pushed yet to the provincial 好差评 platform (scheduler: e.g. hourly).

manage.py ratings_push
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from common.errors import DomainError
from ratings.services import ratings_push


class Command(BaseCommand):
    help = "向省好差评平台推送尚未推送的评价（默认写入 outbox 目录）。"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            batch = ratings_push(actor="ratings_push")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已推送 {batch.count} 条评价 {batch.reference}".rstrip())
