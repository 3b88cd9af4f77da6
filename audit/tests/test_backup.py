"""The tested backup-and-restore procedure of docs/deploy.md, on whichever database the
suite runs on (SQLite, then PostgreSQL in scripts/test.sh): data made through the
services, `manage.py backup`, the data changed, `manage.py restore --yes`, the data and
every table's row count back.

The backup reads the database through a connection of its own (the SQLite backup API,
pg_dump), so these tests commit their data: transactional, with the reference data."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from audit.backup import (
    MANIFEST,
    archive_open,
    backups_prune,
    configured_target,
    target_counts,
    target_from_url,
)
from audit.models import AuditEvent
from common.testing import FrozenClock
from org.models import Branch, Category
from queueing.models import Ticket
from queueing.services import ticket_take

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a working day
ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def hall(reference_data, monkeypatch, settings, tmp_path):
    """The demo centre with the queue's clock at 9:00 on a working Monday, and media and
    backups in this test's own folders."""
    from org.demo import seed_demo

    seed_demo()
    FrozenClock(MONDAY_9)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    (tmp_path / "media" / "staff").mkdir(parents=True)
    (tmp_path / "media" / "staff" / "T0001.jpg").write_bytes(b"\xff\xd8 a staff photo")
    return Branch.objects.get(code="HD01")


def take(branch: Branch) -> Ticket:
    return ticket_take(actor="test", branch=branch, category=Category.WITHDRAWAL)


def backup(tmp_path: Path) -> Path:
    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", stdout=out)
    archives = sorted((tmp_path / "backups").glob("wsm-backup-*.tar.gz"))
    assert len(archives) == 1, out.getvalue()
    return archives[0]


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        member = tar.extractfile(MANIFEST)
        assert member is not None
        return json.loads(member.read())


@pytest.fixture
def scratch_url(tmp_path):
    """A database the restore may overwrite freely: a file, or a PostgreSQL database
    created beside the test database (and dropped afterwards)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    import psycopg

    s = connection.settings_dict
    name = f"{s['NAME']}_restore_{os.getpid()}"
    params = {
        "dbname": "postgres",
        "autocommit": True,
        "host": s["HOST"],
        "port": s["PORT"],
        "user": s["USER"],
    }
    if s.get("PASSWORD"):
        params["password"] = s["PASSWORD"]
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    yield f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{name}"
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scratch_sql(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Run one statement in the scratch database, outside Django."""
    target = target_from_url(url)
    if target.engine == "sqlite":
        db = sqlite3.connect(target.settings["NAME"])
        try:
            rows = db.execute(sql, params).fetchall()
            db.commit()
            return rows
        finally:
            db.close()
    import psycopg

    s = target.settings
    with psycopg.connect(
        dbname=s["NAME"], host=s["HOST"], port=s["PORT"], user=s["USER"], password=s.get("PASSWORD") or None
    ) as db:
        cursor = db.execute(sql.replace("?", "%s"), params)
        return cursor.fetchall() if cursor.description else []


def test_the_manifest_counts_every_table_in_the_same_snapshot_as_the_dump(hall, tmp_path):
    take(hall)
    take(hall)
    archive = backup(tmp_path)

    manifest = manifest_of(archive)
    assert manifest["engine"] == connection.vendor
    assert manifest["counts"]["queueing_ticket"] == Ticket.objects.count() == 2
    # The backup's own audit event is written after the snapshot.
    assert manifest["counts"]["audit_auditevent"] == AuditEvent.objects.count() - 1
    assert manifest["counts"] == {
        table: count
        for table, count in target_counts(configured_target()).items()
        if table != "audit_auditevent"
    } | {"audit_auditevent": manifest["counts"]["audit_auditevent"]}
    assert ["queueing", "0001_initial"] in manifest["migrations"]
    assert manifest["versions"]["django"]
    assert set(manifest["files"]) == {
        "database.pgdump" if ON_POSTGRES else "database.sqlite3",
        "media/staff/T0001.jpg",
    }
    # Personal data: the archive is readable by its owner only.
    assert archive.stat().st_mode & 0o077 == 0
    assert AuditEvent.objects.filter(action="system.backup", summary__contains=archive.name).exists()


def test_a_restore_into_a_drill_database_brings_back_every_row_and_file_even_over_changed_data(
    hall, tmp_path, scratch_url
):
    ticket = take(hall)
    archive = backup(tmp_path)
    expected = manifest_of(archive)["counts"]
    drill_media = tmp_path / "drill-media"

    call_command(
        "restore",
        str(archive),
        "--yes",
        "--into",
        scratch_url,
        "--media-root",
        str(drill_media),
        stdout=io.StringIO(),
    )

    assert target_counts(target_from_url(scratch_url)) == expected
    assert scratch_sql(
        scratch_url, "SELECT display_number FROM queueing_ticket WHERE id = ?", (ticket.pk,)
    ) == [(ticket.display_number,)]
    assert (drill_media / "staff" / "T0001.jpg").read_bytes() == b"\xff\xd8 a staff photo"

    # Somebody changes and deletes data in that database; a second restore puts it back.
    scratch_sql(scratch_url, "UPDATE queueing_ticket SET display_number = 'X999'")
    scratch_sql(scratch_url, "DELETE FROM auth_user_groups")
    (drill_media / "staff" / "T0001.jpg").unlink()
    call_command(
        "restore",
        str(archive),
        "--yes",
        "--into",
        scratch_url,
        "--media-root",
        str(drill_media),
        stdout=io.StringIO(),
    )

    assert target_counts(target_from_url(scratch_url)) == expected
    assert scratch_sql(
        scratch_url, "SELECT display_number FROM queueing_ticket WHERE id = ?", (ticket.pk,)
    ) == [(ticket.display_number,)]
    assert (drill_media / "staff" / "T0001.jpg").exists()
    # The configured database was not touched by the drill.
    assert not AuditEvent.objects.filter(action="system.restore").exists()


def test_restoring_in_place_puts_the_configured_database_and_media_back(hall, tmp_path):
    kept = take(hall)
    archive = backup(tmp_path)
    expected = manifest_of(archive)["counts"]

    later = take(hall)  # taken after the backup: gone after the restore
    photo = Path(settings.MEDIA_ROOT) / "staff" / "T0001.jpg"
    photo.unlink()
    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)

    assert "行数与清单一致" in out.getvalue()
    assert set(Ticket.objects.values_list("pk", flat=True)) == {kept.pk}
    assert not Ticket.objects.filter(pk=later.pk).exists()
    assert photo.read_bytes() == b"\xff\xd8 a staff photo"
    counts = target_counts(configured_target())
    # Everything as in the manifest, plus the restore's own audit event.
    assert counts["audit_auditevent"] == expected["audit_auditevent"] + 1
    assert {t: c for t, c in counts.items() if t in expected and t != "audit_auditevent"} == {
        t: c for t, c in expected.items() if t != "audit_auditevent"
    }
    assert AuditEvent.objects.filter(action="system.restore", summary__contains=archive.name).exists()
    # The state before the restore is kept aside, not thrown away.
    assert list(Path(settings.MEDIA_ROOT).parent.glob("media.pre-restore-*"))
    if not ON_POSTGRES:
        assert list(Path(connection.settings_dict["NAME"]).parent.glob("*.pre-restore-*"))


def test_it_refuses_to_restore_without_yes_and_changes_nothing(hall, tmp_path):
    take(hall)
    archive = backup(tmp_path)
    take(hall)

    with pytest.raises(CommandError, match="确认后加 --yes"):
        call_command("restore", str(archive))

    assert Ticket.objects.count() == 2


def _tamper(archive: Path, *, manifest_change=None, member_change: str | None = None) -> Path:
    """A copy of the archive with its manifest edited or one member's bytes changed."""
    tampered = archive.with_name("tampered.tar.gz")
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == MANIFEST and manifest_change:
                manifest = json.loads(data)
                manifest_change(manifest)
                data = json.dumps(manifest).encode()
            if info.name == member_change:
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return tampered


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (
            {"manifest_change": lambda m: m["migrations"].append(["queueing", "9999_from_the_future"])},
            "备份来自较新的程序版本",
        ),
        ({"member_change": "media/staff/T0001.jpg"}, "校验和不符"),
        ({"manifest_change": lambda m: m.update(engine="oracle")}, "不能直接恢复"),
        (
            {"manifest_change": lambda m: m["files"].update({"media/x.pdf": {"sha256": "0", "size": 1}})},
            "缺少",
        ),
    ],
    ids=["newer-migrations", "corrupted-file", "other-engine", "missing-file"],
)
def test_it_refuses_a_bad_archive_before_touching_anything(hall, tmp_path, tamper, message):
    take(hall)
    archive = _tamper(backup(tmp_path), **tamper)
    take(hall)
    photo = Path(settings.MEDIA_ROOT) / "staff" / "T0001.jpg"
    photo.write_bytes(b"changed after the backup")

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(archive), "--yes")

    assert Ticket.objects.count() == 2
    assert photo.read_bytes() == b"changed after the backup"
    assert not list(Path(settings.MEDIA_ROOT).parent.glob("media.pre-restore-*"))


def test_check_reports_a_sound_archive_without_restoring(hall, tmp_path):
    take(hall)
    archive = backup(tmp_path)
    take(hall)
    out = io.StringIO()

    call_command("restore", str(archive), "--check", stdout=out)

    assert "归档完好" in out.getvalue()
    assert Ticket.objects.count() == 2
    with archive_open(archive) as opened:
        assert opened.media_count == 1


def test_keep_deletes_only_the_oldest_archives(tmp_path):
    names = [f"wsm-backup-202611{day:02d}-020000.tar.gz" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")

    deleted = backups_prune(output_dir=tmp_path, keep=2)

    assert [p.name for p in deleted] == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[3:], "notes.txt"])


def test_a_failed_restore_exits_non_zero_with_a_chinese_message(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "missing.tar.gz"), "--yes"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "找不到备份文件" in result.stderr
