"""Uploads are checked by content, not by name (issue 15)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.errors import DomainError
from common.uploads import check_upload

TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("scan.pdf", b"%PDF-1.7\n...", True),
        ("photo.png", PNG, True),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, True),
        ("说明.txt", "窗口人员态度生硬".encode(), True),
        ("letter.docx", b"PK\x03\x04" + b"\x00" * 20, True),
        ("evil.pdf", b"<!doctype html><script>alert(1)</script>", False),
        ("evil.jpg", b"MZ\x90\x00" + b"\x00" * 20, False),
        ("page.txt", b"<html><body>phish</body></html>", False),
        ("photo.png", b"GIF89a" + b"\x00" * 20, False),
        ("program.exe", b"MZ\x90\x00", False),
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(name, content, accepted):
    upload = SimpleUploadedFile(name, content)
    if accepted:
        assert check_upload(upload, types=TYPES, max_bytes=1024)[0] == name
        assert upload.read() == content  # the file is left at its start
    else:
        with pytest.raises(DomainError) as refused:
            check_upload(upload, types=TYPES, max_bytes=1024)
        assert refused.value.status == 422 and name in refused.value.message


def test_a_file_too_large_is_refused_with_the_limit():
    with pytest.raises(DomainError, match="超过 1 MB"):
        check_upload(
            SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 2_000_000), types=TYPES, max_bytes=1024 * 1024
        )
