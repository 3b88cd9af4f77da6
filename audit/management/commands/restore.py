"""manage.py restore ARCHIVE --yes — put a backup back (docs/deploy.md § 恢复).

    manage.py restore var/backups/wsm-backup-20261121-020000.tar.gz --yes
    manage.py restore ARCHIVE --check                          # only check the archive
    manage.py restore ARCHIVE --yes --into postgres://wsm@db/wsm_drill --no-media   # a drill

Checks every checksum and the migration state before it changes anything; restores the
database in one step (PostgreSQL: one transaction), compares every table's row count with
the manifest, then swaps the media folder (the old one is kept as *.pre-restore-…).
Stop the application and the timers first (systemctl stop wsm.service wsm-*.timer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from audit.backup import (
    BackupError,
    archive_check_migrations,
    archive_open,
    backup_restore,
    configured_target,
    target_from_url,
)
from audit.services import audit_record

ACTOR = "manage.py restore"


class Command(BaseCommand):
    help = "从 manage.py backup 的归档恢复数据库与上传文件（需加 --yes 确认；恢复后核对各表行数）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="备份归档（wsm-backup-….tar.gz）")
        parser.add_argument("--yes", action="store_true", help="确认覆盖目标数据库与上传文件目录")
        parser.add_argument("--check", action="store_true", help="只检查归档（校验和、迁移），不恢复")
        parser.add_argument(
            "--into",
            metavar="DATABASE_URL",
            help="恢复到另一个数据库（演练用，如 postgres://wsm@localhost/wsm_drill）；默认是本系统的数据库",
        )
        parser.add_argument("--media-root", type=Path, help="上传文件恢复到的目录（默认 MEDIA_ROOT）")
        parser.add_argument("--no-media", action="store_true", help="不恢复上传文件，只恢复数据库")

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        try:
            target = target_from_url(options["into"]) if options["into"] else configured_target()
            if options["check"]:
                with archive_open(archive) as opened:
                    archive_check_migrations(opened)
                    manifest = opened.manifest
                self.stdout.write(
                    self.style.SUCCESS(
                        f"归档完好：{manifest['created_at']}，{manifest['engine']}，"
                        f"{len(manifest['counts'])} 张表，"
                        f"{opened.media_count} 个上传文件，校验和全部相符，迁移状态本程序可以恢复。"
                    )
                )
                return
            if not options["yes"]:
                raise CommandError(
                    f"恢复会用备份覆盖数据库 {target.label}"
                    + ("" if options["no_media"] else " 和上传文件目录")
                    + "，恢复后的数据即为备份时的状态。请先停止服务与定时任务，确认后加 --yes 重新运行。"
                )
            result = backup_restore(
                archive_path=archive,
                target=target,
                media_root=options["media_root"],
                restore_media=not options["no_media"],
                say=self.stdout.write,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"恢复失败：{exc}。请检查文件与目录的权限和磁盘空间。") from exc
        if not options["into"]:
            # Written after the row counts were verified, into the restored database itself.
            with transaction.atomic():
                audit_record(
                    actor=ACTOR,
                    action="system.restore",
                    summary=f"从备份 {archive.name}（{result.manifest['created_at']}）恢复",
                    changes={"archive": str(archive), "safety_copy": str(result.safety_copy or "")},
                )
        if result.safety_copy:
            self.stdout.write(f"恢复前的数据库副本：{result.safety_copy}（确认无误后可删除）")
        if result.previous_media:
            self.stdout.write(f"恢复前的上传文件目录：{result.previous_media}（确认无误后可删除）")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(self.style.SUCCESS(f"恢复完成：{result.target.label}"))
