"""manage.py seed_catalog — create the seeded matters that are missing and refresh the
phrase list. Idempotent; existing matters are never changed (revise them instead)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from audit.services import audit_record
from catalog.seeding import seed_catalog


class Command(BaseCommand):
    help = "载入内置的办事指南（缺少的事项）和服务用语。已有的事项不变。"

    def handle(self, *args: Any, **options: Any) -> None:
        def record(summary: str, changes: dict[str, Any]) -> None:
            audit_record(actor="seed_catalog", action="catalog.seed", summary=summary, changes=changes)

        with transaction.atomic():
            result = seed_catalog(apps, actor_label="seed_catalog", record=record)
        self.stdout.write(
            f"新增事项 {len(result.created)} 个，已存在 {len(result.skipped)} 个；"
            f"服务用语 {result.phrases} 条。"
        )
