"""manage.py backup — one archive of the database and the uploaded files.

    manage.py backup                      # into BACKUP_DIR (default var/backups)
    manage.py backup --output /srv/backup --keep 30

Consistent while the server runs (SQLite: the online backup API; PostgreSQL: pg_dump of
an exported snapshot, counted in the same snapshot). Run nightly by deploy/wsm-backup.timer;
the procedure, off-site copies and the tested restore are in docs/deploy.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from audit.backup import KEY_TABLES, BackupError, backup_create, backups_prune
from audit.services import audit_record

ACTOR = "manage.py backup"


class Command(BaseCommand):
    help = "备份数据库与上传文件为一个带清单（版本、迁移、各表行数、校验和）的归档。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="归档写入的目录（默认 BACKUP_DIR）")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="备份后只保留该目录中最新的 N 个归档（默认取 BACKUP_KEEP，0 为全部保留）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"] or Path(settings.BACKUP_DIR)
        try:
            result = backup_create(output_dir=output, say=self.stdout.write)
            keep = options["keep"] if options["keep"] is not None else int(settings.BACKUP_KEEP)
            pruned = backups_prune(output_dir=output, keep=keep) if keep else []
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"备份失败：{exc}。请检查目录 {output} 是否存在、可写且空间足够。") from exc
        counts = result.manifest["counts"]
        size_mb = result.path.stat().st_size / 1_048_576
        with transaction.atomic():
            audit_record(
                actor=ACTOR,
                action="system.backup",
                summary=f"备份 {result.path.name}（{size_mb:.1f} MB）",
                changes={
                    "archive": str(result.path),
                    "counts": {t: counts[t] for t in KEY_TABLES if t in counts},
                },
            )
        key = "，".join(f"{t} {counts[t]}" for t in KEY_TABLES if t in counts)
        self.stdout.write(f"行数：{key}（共 {len(counts)} 张表）")
        for path in pruned:
            self.stdout.write(f"已删除旧备份 {path.name}")
        self.stdout.write(self.style.SUCCESS(f"备份完成：{result.path}（{size_mb:.1f} MB）"))
