"""Uploads are checked by content, not by name (issue 15): a file whose first bytes do
not match its extension — HTML named .pdf, an .exe named .jpg — is refused with a
message. One check for every upload (complaint attachments, inspection photos and
scans, rating evidence, signatures).

Word documents (.doc/.docx) and plain text are recognised too: .docx is a ZIP container,
.doc an OLE compound file, and text must be UTF-8 without a markup start (an HTML page
saved as .txt would be served back as text/plain anyway, but is refused all the same).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from common.errors import DomainError

SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml")


def content_matches(suffix: str, head: bytes) -> bool:
    """The first bytes of a file are those of a `suffix` file."""
    if suffix == ".txt":
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            # The head may end inside a character: accept a cut multi-byte sequence.
            try:
                text = head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return False
        return not text.lstrip().lower().encode().startswith(_MARKUP) and "\x00" not in text
    if suffix == ".webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    return any(head.startswith(sig) for sig in SIGNATURES.get(suffix, ()))


def check_upload(
    upload: Any, *, types: dict[str, str], max_bytes: int, what: str = "附件"
) -> tuple[str, str]:
    """(name, content type) of an upload whose type, size and content are acceptable;
    a DomainError (422) naming the file otherwise. `types` maps the allowed extensions
    to the content type the file will be served with."""
    name = PurePath(getattr(upload, "name", None) or what).name[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in types:
        allowed = "、".join(sorted(s.lstrip(".") for s in types))
        raise DomainError(f"{what}“{name}”的类型不支持，请上传 {allowed} 文件。", code="invalid_input")
    size = getattr(upload, "size", 0) or 0
    if size > max_bytes:
        raise DomainError(
            f"{what}“{name}”超过 {max_bytes // (1024 * 1024)} MB，请压缩后再上传。", code="invalid_input"
        )
    head = upload.read(512)
    upload.seek(0)
    if not content_matches(suffix, head):
        raise DomainError(
            f"{what}“{name}”的内容与扩展名不符，请上传真实的{suffix.lstrip('.')}文件。", code="invalid_input"
        )
    return name, types[suffix]
