"""Product settings of the supervision app — none of them is a number of a regulation
(those live in the rule sets). Each can be overridden in settings.py by the same name.

* `SUPERVISION_SHEET_FULL_MARKS` (100): an inspection sheet is scored out of this
  (百分制), then scaled to its type's weight.
* `SUPERVISION_FACILITY_WARN_DAYS` (30): a facility (灭火器 …) is flagged this many
  days before its validity ends.

| setting | default | meaning |
|---|---|---|
| `SUPERVISION_RECTIFY_WORKING_DAYS` | 10 | default time for a branch to answer an issue notice (问题交办函) |
| `SUPERVISION_UPLOAD_MAX_BYTES` | 5 MB | largest photo or scan |
| `SUPERVISION_UPLOAD_MAX_FILES` | 10 | photos per inspection, finding or report |
"""

from __future__ import annotations

from django.conf import settings


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def sheet_full_marks() -> int:
    return _setting("SUPERVISION_SHEET_FULL_MARKS", 100)


def facility_warn_days() -> int:
    return _setting("SUPERVISION_FACILITY_WARN_DAYS", 30)


def rectify_working_days() -> int:
    return _setting("SUPERVISION_RECTIFY_WORKING_DAYS", 10)


def upload_max_bytes() -> int:
    return _setting("SUPERVISION_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)


def upload_max_files() -> int:
    return _setting("SUPERVISION_UPLOAD_MAX_FILES", 10)


# Photos and scans: the suffix decides the type served back (never the client's header).
UPLOAD_TYPES: dict[str, str] = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})

# 004 §四: what the third party watches (营业网点的内外环境、功能设置、服务形象、服务行为、业务办理).
THIRD_PARTY_ASPECTS: list[tuple[str, str]] = [
    ("environment", "内外环境"),
    ("layout", "功能设置"),
    ("image", "服务形象"),
    ("conduct", "服务行为"),
    ("business", "业务办理"),
]
# 004 §四: 神秘客户体验调查、门前客户访问及现场检查.
THIRD_PARTY_METHODS: list[tuple[str, str]] = [
    ("mystery_shopper", "神秘客户体验调查"),
    ("exit_interview", "门前客户访问"),
    ("site_check", "现场检查"),
]
