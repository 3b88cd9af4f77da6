"""Export of ratings for the provincial 好差评 platform (000 §五(五)4(1) “系统自动将评价信息
提交给‘好差评’系统进行统一报送和归档”), as CSV and JSON, and the pluggable push backend.

    RATINGS_PUSH_BACKEND = "ratings.push.OutboxBackend"   # default: files in the outbox
    RATINGS_PUSH_BACKEND = "myproject.haochaping.HttpBackend"  # the platform's interface

A backend is a class with `push(rows, *, batch_id, at) -> str` returning a reference
(a file name, the platform's receipt number); raising means nothing was delivered.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from django.utils.module_loading import import_string

from common import clock
from ratings import conf
from ratings.models import Rating

# The fields the platform receives, in order: (key, 中文).
FIELDS: tuple[tuple[str, str], ...] = (
    ("rating_id", "评价编号"),
    ("service_kind", "服务类型"),
    ("service_number", "办件编号/服务编号"),
    ("matter_code", "事项编码"),
    ("staff_no", "工作人员工号"),
    ("department_code", "处室代码"),
    ("branch_code", "管理部代码"),
    ("window_number", "窗口号"),
    ("accepted_at", "受理时间"),
    ("completed_at", "办结时间"),
    ("rated_at", "评价时间"),
    ("level", "评价等级"),
    ("level_label", "评价"),
    ("channel", "评价渠道"),
    ("rater_type", "评价人类型"),
)


def _iso(moment: datetime | None) -> str:
    return clock.local(moment).isoformat(timespec="seconds") if moment else ""


def export_row(rating: Rating) -> dict[str, Any]:
    """One rating as the platform receives it. No personal data: no name, phone or
    comment (the comment may name people; it stays in the centre)."""
    return {
        "rating_id": rating.pk,
        "service_kind": rating.service_kind,
        "service_number": rating.service_number,
        "matter_code": rating.matter.code if rating.matter_id and rating.matter else "",
        "staff_no": rating.staff.staff_no if rating.staff_id and rating.staff else "",
        "department_code": rating.department.code if rating.department_id and rating.department else "",
        "branch_code": rating.branch.code,
        "window_number": rating.window.number if rating.window_id and rating.window else None,
        "accepted_at": _iso(rating.accepted_at),
        "completed_at": _iso(rating.completed_at),
        "rated_at": _iso(rating.rated_at),
        "level": rating.level,
        "level_label": rating.level_label,
        "channel": rating.channel,
        "rater_type": rating.rater_type,
    }


def export_rows(ratings: Iterable[Rating]) -> list[dict[str, Any]]:
    return [export_row(r) for r in ratings]


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """CSV with a UTF-8 byte-order mark (so that Excel opens the Chinese correctly), a
    header of the field keys, one line per rating."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=[key for key, _ in FIELDS], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if row.get(key) is None else row.get(key) for key, _ in FIELDS})
    return buffer.getvalue()


def to_json(rows: Sequence[dict[str, Any]], *, meta: dict[str, Any] | None = None) -> str:
    document = {
        "format": "haochaping-ratings/1",
        "fields": [{"key": key, "label": label} for key, label in FIELDS],
        **(meta or {}),
        "count": len(rows),
        "ratings": list(rows),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


class PushBackend(Protocol):
    def push(self, rows: Sequence[dict[str, Any]], *, batch_id: int, at: datetime) -> str: ...


class OutboxBackend:
    """Writes each batch as a JSON and a CSV file into the outbox folder
    (`RATINGS_OUTBOX_DIR`, default VAR_DIR/outbox/haochaping/), for a transfer job (or a
    person) to deliver. Files are written under a temporary name and renamed, so a
    collector never reads half a file."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or conf.outbox_dir()

    def push(self, rows: Sequence[dict[str, Any]], *, batch_id: int, at: datetime) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = f"haochaping-{clock.local(at):%Y%m%d-%H%M%S}-{batch_id:06d}"
        for suffix, content in (
            (".json", to_json(rows, meta={"batch": batch_id, "created_at": _iso(at)})),
            (".csv", to_csv(rows)),
        ):
            final = self.directory / f"{stem}{suffix}"
            partial = final.with_suffix(suffix + ".part")
            partial.write_text(content, encoding="utf-8")
            os.replace(partial, final)
        return f"{stem}.json"


class FailingBackend:
    """For tests and drills: every push fails."""

    def push(self, rows: Sequence[dict[str, Any]], *, batch_id: int, at: datetime) -> str:
        raise ConnectionError("省好差评平台不可用（演练）")


def backend_from_settings() -> PushBackend:
    backend: PushBackend = import_string(conf.push_backend_path())()
    return backend
