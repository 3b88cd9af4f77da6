"""Backup and restore of a whole installation: the database and the uploaded files.

One archive (``wsm-backup-YYYYmmdd-HHMMSS.tar.gz``) holds

* ``database.sqlite3`` (SQLite: a copy made with the online backup API, consistent
  while the server runs) or ``database.pgdump`` (PostgreSQL: ``pg_dump
  --format=custom`` of an exported snapshot);
* ``media/…``, the uploaded scans and photos (MEDIA_ROOT);
* ``manifest.json``: versions, the applied migrations, the row count of every table —
  counted in the same snapshot as the dump, so they must match exactly after a
  restore — and the SHA-256 of every other member.

A restore checks the whole archive before it touches anything, refuses an archive
whose migrations this code does not have, restores the database in one transaction
(PostgreSQL: ``pg_restore --single-transaction``; SQLite: the backup API into the live
file, after a safety copy), compares every table's row count with the manifest and
only then swaps the media folder. Every refusal and failure is a ``BackupError`` with
a Chinese message a person can act on; nothing is restored half-way in silence.

The procedure is described, and was tried, in docs/deploy.md § 备份与恢复.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from common import clock

FORMAT = 1
ARCHIVE_PREFIX = "wsm-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
# The tables an operator looks at first in the command's output (all are counted).
KEY_TABLES = (
    "queueing_ticket",
    "cases_case",
    "ratings_rating",
    "complaints_complaint",
    "audit_auditevent",
    "auth_user",
)

Say = Callable[[str], None]


class BackupError(Exception):
    """A refusal or failure of backup/restore; the message tells the operator what to do."""


@dataclass(frozen=True)
class Target:
    """A database to back up or restore into: Django's settings dict of it."""

    settings: dict[str, Any]

    @property
    def engine(self) -> str:
        engine = str(self.settings["ENGINE"])
        if engine.endswith("sqlite3"):
            return "sqlite"
        if engine.endswith("postgresql"):
            return "postgresql"
        raise BackupError(f"不支持的数据库类型：{engine}（只支持 SQLite 与 PostgreSQL）。")

    @property
    def label(self) -> str:
        if self.engine == "sqlite":
            return str(self.settings["NAME"])
        host = self.settings.get("HOST") or "本机套接字"
        return f"{self.settings['NAME']}@{host}:{self.settings.get('PORT') or 5432}"


def configured_target(alias: str = "default") -> Target:
    """The database Django uses (during tests: the test database)."""
    return Target(dict(connections[alias].settings_dict))


def target_from_url(url: str) -> Target:
    import dj_database_url

    try:
        return Target(dict(dj_database_url.parse(url)))
    except Exception as exc:
        raise BackupError(
            f"数据库地址无法识别：{exc}。示例：postgres://用户@主机:5432/库名 或 sqlite:////路径"
        ) from exc


# --- small helpers ------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _code_version() -> str:
    """The commit of the checkout, when it is one (a release tarball has none)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def code_migrations() -> set[tuple[str, str]]:
    """Every migration this code has on disk."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def pg_binary(name: str) -> str:
    """pg_dump / pg_restore: PG_BIN if set, else the PATH, else the newest
    /usr/lib/postgresql/*/bin (a client at least as new as the server is needed)."""
    configured = os.getenv("PG_BIN", "")
    candidates = [Path(configured) / name] if configured else []
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    candidates.extend(versions)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"找不到 {name}。请安装 PostgreSQL 客户端（apt-get install postgresql-client-15 或与服务器相同的"
        "大版本），或用环境变量 PG_BIN 指向其 bin 目录。"
    )


def _pg_env(target: Target) -> dict[str, str]:
    """libpq's environment for the command-line tools: the password never on argv."""
    s = target.settings
    env = dict(os.environ)
    values = {
        "PGHOST": s.get("HOST") or "",
        "PGPORT": str(s.get("PORT") or ""),
        "PGUSER": s.get("USER") or "",
        "PGPASSWORD": s.get("PASSWORD") or "",
        "PGDATABASE": s.get("NAME") or "",
    }
    options = s.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ):
        if options.get(option):
            values[variable] = str(options[option])
    # Unset values leave the environment alone (e.g. a ~/.pgpass or PGPASSFILE).
    env.update({key: value for key, value in values.items() if value})
    return env


def _pg_connect(target: Target) -> Any:
    """A psycopg connection of its own, outside Django's transaction handling."""
    import psycopg

    s = target.settings
    params: dict[str, Any] = {"dbname": s["NAME"], "autocommit": True}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if s.get(key):
            params[name] = s[key]
    for option, value in (s.get("OPTIONS") or {}).items():
        if option in {"sslmode", "sslrootcert", "sslcert", "sslkey", "passfile", "service", "options"}:
            params[option] = value
    try:
        return psycopg.connect(**params)
    except psycopg.Error as exc:
        raise BackupError(f"无法连接数据库 {target.label}：{str(exc).strip()}") from exc


def _run(command: list[str], *, env: dict[str, str] | None, what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(f"{what}无法运行：{exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what}失败（退出码 {result.returncode}）：" + " / ".join(detail))


# --- counting -----------------------------------------------------------------------


def sqlite_counts(path: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Row count of every table and the applied migrations of an SQLite file."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master"
                " WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {t: int(db.execute(f"SELECT COUNT(*) FROM {_quote(t)}").fetchone()[0]) for t in tables}
        migrations: list[tuple[str, str]] = []
        if "django_migrations" in counts:
            migrations = [(a, n) for a, n in db.execute("SELECT app, name FROM django_migrations")]
        return counts, migrations
    finally:
        db.close()


def _pg_counts(cursor: Any) -> tuple[dict[str, int], list[tuple[str, str]]]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[tuple[str, str]] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = [(a, n) for a, n in cursor.fetchall()]
    return counts, migrations


def pg_counts(target: Target) -> dict[str, int]:
    conn = _pg_connect(target)
    try:
        with conn.cursor() as cursor:
            return _pg_counts(cursor)[0]
    finally:
        conn.close()


def target_counts(target: Target) -> dict[str, int]:
    if target.engine == "sqlite":
        return sqlite_counts(Path(target.settings["NAME"]))[0]
    return pg_counts(target)


# --- backup -------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def _dump_sqlite(target: Target, into: Path) -> tuple[dict[str, int], list[tuple[str, str]], dict[str, str]]:
    source_path = Path(target.settings["NAME"])
    if not source_path.is_file():
        raise BackupError(f"找不到数据库文件 {source_path}。")
    source = sqlite3.connect(str(source_path), timeout=60)
    dest = sqlite3.connect(str(into))
    try:
        # One step: the copy is a single consistent snapshot even while the server writes.
        source.backup(dest)
        version = str(source.execute("SELECT sqlite_version()").fetchone()[0])
    finally:
        dest.close()
        source.close()
    counts, migrations = sqlite_counts(into)
    return counts, migrations, {"sqlite": version}


def _dump_postgresql(
    target: Target, into: Path
) -> tuple[dict[str, int], list[tuple[str, str]], dict[str, str]]:
    pg_dump = pg_binary("pg_dump")
    conn = _pg_connect(target)
    try:
        conn.autocommit = False
        with conn.cursor() as cursor:
            # The counts and pg_dump see the same snapshot, so they must agree exactly.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            counts, migrations = _pg_counts(cursor)
            _run(
                [pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={into}"],
                env=_pg_env(target),
                what="pg_dump ",
            )
        conn.rollback()
    finally:
        conn.close()
    client = subprocess.run(
        [pg_dump, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return counts, migrations, {"postgresql": str(server_version), "pg_dump": client}


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, MEDIA_PREFIX + path.relative_to(media_root).as_posix()


def backup_create(
    *,
    output_dir: Path,
    target: Target | None = None,
    media_root: Path | None = None,
    now: datetime | None = None,
    say: Say = lambda _: None,
) -> BackupResult:
    """Write one archive into `output_dir` and return it with its manifest. The archive
    appears under its final name only once complete (written as *.partial, then renamed)."""
    target = target or configured_target()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    moment = clock.local(now or clock.now())
    output_dir.mkdir(parents=True, exist_ok=True)
    name = f"{ARCHIVE_PREFIX}{moment:%Y%m%d-%H%M%S}{ARCHIVE_SUFFIX}"
    final = output_dir / name
    if final.exists():
        raise BackupError(f"{final} 已存在：同一秒内不能备份两次，请稍后再试。")

    with tempfile.TemporaryDirectory(prefix="wsm-backup-", dir=output_dir) as work_dir:
        work = Path(work_dir)
        if target.engine == "sqlite":
            member = SQLITE_MEMBER
            say(f"复制 SQLite 数据库 {target.label} …")
            counts, migrations, db_versions = _dump_sqlite(target, work / member)
        else:
            member = PG_MEMBER
            say(f"pg_dump {target.label} …")
            counts, migrations, db_versions = _dump_postgresql(target, work / member)

        files: dict[str, dict[str, Any]] = {
            member: {"sha256": _sha256(work / member), "size": (work / member).stat().st_size}
        }
        media = list(_media_files(media_root))
        for path, arcname in media:
            files[arcname] = {"sha256": _sha256(path), "size": path.stat().st_size}
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": moment.isoformat(),
            "engine": target.engine,
            "database": target.label,
            "versions": {
                "code": _code_version(),
                "django": django.get_version(),
                "python": platform.python_version(),
                **db_versions,
            },
            "migrations": sorted([list(m) for m in migrations]),
            "counts": counts,
            "files": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")

        say(f"写入归档（数据库 + {len(media)} 个上传文件）…")
        partial = output_dir / (name + ".partial")
        # The archive holds personal data: readable by its owner only.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                tar.add(work / MANIFEST, arcname=MANIFEST)
                tar.add(work / member, arcname=member)
                for path, arcname in media:
                    tar.add(path, arcname=arcname)
                raw.flush()
                os.fsync(raw.fileno())
            partial.rename(final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(path=final, manifest=manifest)


def backups_prune(*, output_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives in `output_dir`; return the deleted."""
    if keep < 1:
        raise BackupError("--keep 至少为 1：不能删除全部备份。")
    pattern = re.compile(re.escape(ARCHIVE_PREFIX) + r"\d{8}-\d{6}" + re.escape(ARCHIVE_SUFFIX) + "$")
    archives = sorted(p for p in output_dir.iterdir() if p.is_file() and pattern.match(p.name))
    doomed = archives[:-keep]
    for path in doomed:
        path.unlink()
    return doomed


# --- restore ------------------------------------------------------------------------


@dataclass
class Archive:
    """An archive unpacked into a work folder and checked member by member."""

    path: Path
    work: Path
    manifest: dict[str, Any]

    @property
    def engine(self) -> str:
        return str(self.manifest["engine"])

    @property
    def database_file(self) -> Path:
        return self.work / (SQLITE_MEMBER if self.engine == "sqlite" else PG_MEMBER)

    @property
    def media_dir(self) -> Path:
        return self.work / "media"

    @property
    def media_count(self) -> int:
        return sum(1 for name in self.manifest["files"] if name.startswith(MEDIA_PREFIX))


@contextmanager
def archive_open(path: Path, *, work_parent: Path | None = None) -> Iterator[Archive]:
    """Unpack and check an archive: manifest, every checksum, nothing outside its folder.
    Raises BackupError for anything wrong; touches no database."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}。")
    with tempfile.TemporaryDirectory(prefix="wsm-restore-", dir=work_parent) as work_dir:
        work = Path(work_dir)
        try:
            with tarfile.open(path, mode="r:*") as tar:
                names = tar.getnames()
                if MANIFEST not in names:
                    raise BackupError(f"{path.name} 不是本系统的备份（缺少 {MANIFEST}）。")
                # The data filter refuses absolute paths, "..", links out and devices.
                tar.extractall(work, filter="data")
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"备份文件 {path.name} 已损坏或不完整，无法解开：{exc}") from exc
        try:
            manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        except ValueError as exc:
            raise BackupError(f"备份清单 {MANIFEST} 无法读取：{exc}") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"备份格式版本 {manifest.get('format')} 不受本程序支持（支持 {FORMAT}）。")
        expected = set(manifest["files"])
        present = {p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()} - {MANIFEST}
        missing = sorted(expected - present)
        if missing:
            raise BackupError(f"备份不完整，缺少 {len(missing)} 个文件，例如 {missing[0]}。")
        extra = sorted(present - expected)
        if extra:
            raise BackupError(f"备份中有清单未列出的文件（例如 {extra[0]}），可能被改动过，拒绝恢复。")
        for name, meta in manifest["files"].items():
            if _sha256(work / name) != meta["sha256"]:
                raise BackupError(f"校验和不符：{name} 与清单记录不一致，备份已损坏或被改动，拒绝恢复。")
        yield Archive(path=path, work=work, manifest=manifest)


def archive_check_migrations(archive: Archive) -> None:
    """Refuse an archive made by newer code (a migration this code does not have)."""
    in_archive = {(a, n) for a, n in archive.manifest["migrations"]}
    unknown = sorted(in_archive - code_migrations())
    if unknown:
        sample = "、".join(f"{a}.{n}" for a, n in unknown[:3])
        raise BackupError(
            f"备份来自较新的程序版本：其中有本程序没有的迁移 {sample} 等 {len(unknown)} 个。"
            "请先把程序升级到备份时的版本（清单中的 versions.code），再恢复。"
        )


def _verify_counts(target: Target, expected: dict[str, int]) -> None:
    actual = target_counts(target)
    wrong = [
        f"{table}：应为 {count}，实为 {actual.get(table, '缺表')}"
        for table, count in sorted(expected.items())
        if actual.get(table) != count
    ]
    if wrong:
        raise BackupError(
            f"恢复后核对行数不符（{len(wrong)} 张表），请勿启用本数据库并检查后重试：" + "；".join(wrong[:5])
        )


def _restore_sqlite(archive: Archive, target: Target, say: Say) -> Path | None:
    dest_path = Path(target.settings["NAME"])
    dest_path.parent.mkdir(parents=True, exist_ok=True)
    check = sqlite3.connect(str(archive.database_file))
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        raise BackupError(f"备份中的 SQLite 数据库未通过完整性检查：{result}")
    safety: Path | None = None
    if dest_path.exists():
        stamp = clock.local().strftime("%Y%m%d-%H%M%S")
        safety = dest_path.with_name(f"{dest_path.name}.pre-restore-{stamp}")
        say(f"保存恢复前的数据库副本 {safety} …")
        live = sqlite3.connect(str(dest_path), timeout=60)
        copy = sqlite3.connect(str(safety))
        try:
            live.backup(copy)
        finally:
            copy.close()
            live.close()
    say(f"写入 {dest_path} …")
    # The backup API writes into the live file under its lock, in one step: processes
    # that keep it open (WAL and all) see the restored content, never a half-copy.
    source = sqlite3.connect(str(archive.database_file))
    dest = sqlite3.connect(str(dest_path), timeout=60)
    try:
        source.backup(dest)
    except sqlite3.Error as exc:
        raise BackupError(f"写入 SQLite 数据库失败，原数据库未改变：{exc}") from exc
    finally:
        dest.close()
        source.close()
    return safety


def _restore_postgresql(archive: Archive, target: Target, say: Say) -> None:
    pg_restore = pg_binary("pg_restore")
    say(f"pg_restore 到 {target.label}（单个事务：失败则不改变任何数据）…")
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={target.settings['NAME']}",
            str(archive.database_file),
        ],
        env=_pg_env(target),
        what="pg_restore ",
    )


def _restore_media(archive: Archive, media_root: Path, say: Say) -> Path | None:
    """Swap the media folder for the archive's; the old one is kept beside it."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".media-restore-", dir=media_root.parent))
    if archive.media_dir.is_dir():
        shutil.copytree(archive.media_dir, staging, dirs_exist_ok=True)
    previous: Path | None = None
    try:
        if media_root.exists():
            stamp = clock.local().strftime("%Y%m%d-%H%M%S")
            previous = media_root.with_name(f"{media_root.name}.pre-restore-{stamp}")
            media_root.rename(previous)
        staging.rename(media_root)
    except OSError as exc:
        raise BackupError(
            f"数据库已恢复，但上传文件目录 {media_root} 无法替换（{exc}）。恢复的文件在 {staging}"
            + (f"，原目录已改名为 {previous}" if previous else "")
            + f"：请手动把前者放到 {media_root} 后再启动服务。"
        ) from exc
    say(f"上传文件已恢复到 {media_root}（{archive.media_count} 个）。")
    return previous


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    target: Target
    safety_copy: Path | None
    previous_media: Path | None
    notes: list[str]


def backup_restore(
    *,
    archive_path: Path,
    target: Target | None = None,
    media_root: Path | None = None,
    restore_media: bool = True,
    say: Say = lambda _: None,
) -> RestoreResult:
    """Restore an archive into `target` (default: the configured database) and
    MEDIA_ROOT. Checks everything first; verifies the row counts afterwards."""
    target = target or configured_target()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    work_parent = Path(settings.BACKUP_DIR)
    work_parent.mkdir(parents=True, exist_ok=True)
    with archive_open(archive_path, work_parent=work_parent) as archive:
        say(
            f"备份 {archive_path.name}：{archive.manifest['created_at']}，{archive.engine}，"
            f"{len(archive.manifest['counts'])} 张表，{archive.media_count} 个上传文件；校验和全部相符。"
        )
        if archive.engine != target.engine:
            raise BackupError(
                f"备份来自 {archive.engine}，目标数据库是 {target.engine}：不能直接恢复。请恢复到同类数据库。"
            )
        archive_check_migrations(archive)
        in_code = code_migrations()
        older = sorted(in_code - {(a, n) for a, n in archive.manifest["migrations"]})
        notes = []
        if older:
            notes.append(f"备份比本程序旧 {len(older)} 个迁移：启动前请运行 manage.py migrate。")

        # Django's own connection to the target must not hold the file or tables.
        for alias in connections:
            connections[alias].close()
        safety: Path | None = None
        if target.engine == "sqlite":
            safety = _restore_sqlite(archive, target, say)
        else:
            _restore_postgresql(archive, target, say)
        say("核对各表行数 …")
        _verify_counts(target, archive.manifest["counts"])
        say(f"数据库已恢复，{len(archive.manifest['counts'])} 张表的行数与清单一致。")
        previous = _restore_media(archive, media_root, say) if restore_media else None
        return RestoreResult(
            manifest=archive.manifest, target=target, safety_copy=safety, previous_media=previous, notes=notes
        )
