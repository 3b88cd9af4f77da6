"""The citizen's signature on a one-time notice (000 §五(三)2: 接收清单的办事职工须在
《一次性告知清单》上签名): signed on the counter tablet's pad (a PNG with ink), a scan of
the signed paper list (PDF, JPEG or PNG), or the refusal to sign, recorded with why.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile, File
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from catalog.models import NoticeChannel, NoticeStatus, OneTimeNotice, SignatureMethod
from catalog.services._common import locked_notice, move_notice
from common import clock
from common.actors import AnyActor
from common.errors import Conflict, DomainError

MAX_SIGNATURE_BYTES = 1_000_000
MAX_SCAN_BYTES = 10_000_000


def _check_png(data: bytes) -> None:
    if len(data) > MAX_SIGNATURE_BYTES:
        raise DomainError("签名图像过大，请清除后重新签名。", code="signature_too_large")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise DomainError("签名图像无法识别，请重新签名。", code="signature_invalid") from None
    if image.format != "PNG" or image.width > 4000 or image.height > 2000:
        raise DomainError("签名图像格式不正确，请在手签板上重新签名。", code="signature_invalid")
    rgba = image.convert("RGBA")
    # Ink is what is neither transparent nor white: an empty pad yields no bounding box.
    ink = Image.eval(rgba.getchannel("A"), lambda a: 255 if a > 32 else 0)
    dark = Image.eval(rgba.convert("L"), lambda v: 255 if v < 200 else 0)
    inked = Image.composite(dark, Image.new("L", rgba.size, 0), ink)
    if inked.getbbox() is None:
        raise DomainError("签名为空，请办事职工在手签板上签名后再确认。", code="signature_empty")


@transaction.atomic
def notice_sign_on_pad(*, actor: AnyActor, notice: OneTimeNotice, png: bytes) -> OneTimeNotice:
    """The citizen signed on the counter tablet's pad: the PNG is kept with the notice."""
    notice = locked_notice(notice)
    if notice.channel != NoticeChannel.COUNTER:
        raise Conflict("电话口头告知无需签名。", code="no_signature_needed")
    _check_png(png)
    notice.signature_method = SignatureMethod.PAD
    notice.signature_file.save(f"{notice.number}-pad.png", ContentFile(png), save=False)
    notice.signed_at = clock.now()
    move_notice(
        notice,
        NoticeStatus.SIGNED,
        actor=actor,
        note="手签板签名",
        verb="签名",
        fields=("signature_method", "signature_file", "signed_at"),
    )
    return notice


_SCAN_TYPES = {"JPEG": "jpg", "PNG": "png"}


@transaction.atomic
def notice_sign_on_paper(*, actor: AnyActor, notice: OneTimeNotice, scan: File) -> OneTimeNotice:
    """The citizen signed the paper list; its scan (JPEG, PNG or PDF) is archived."""
    notice = locked_notice(notice)
    if notice.channel != NoticeChannel.COUNTER:
        raise Conflict("电话口头告知无需签名。", code="no_signature_needed")
    size = scan.size or 0
    if size > MAX_SCAN_BYTES:
        raise DomainError("扫描件不能超过10MB，请降低扫描分辨率后重新上传。", code="scan_too_large")
    scan.seek(0)
    head = scan.read(5)
    scan.seek(0)
    if head == b"%PDF-":
        extension = "pdf"
    else:
        try:
            image = Image.open(scan)
            image.verify()
            extension = _SCAN_TYPES.get(image.format or "", "")
        except (UnidentifiedImageError, OSError, ValueError):
            extension = ""
        scan.seek(0)
    if not extension:
        raise DomainError("扫描件应为 PDF、JPG 或 PNG 文件。", code="scan_invalid")
    notice.signature_method = SignatureMethod.PAPER
    notice.signature_file.save(f"{notice.number}-paper.{extension}", scan, save=False)
    notice.signed_at = clock.now()
    move_notice(
        notice,
        NoticeStatus.SIGNED,
        actor=actor,
        note="已在纸质清单上签字，扫描件已存档",
        verb="登记签名",
        fields=("signature_method", "signature_file", "signed_at"),
    )
    return notice


@transaction.atomic
def notice_refuse_signature(*, actor: AnyActor, notice: OneTimeNotice, note: str) -> OneTimeNotice:
    notice = locked_notice(notice)
    if not note.strip():
        raise DomainError("请注明办事职工拒签的情况。", code="note_required")
    move_notice(notice, NoticeStatus.REFUSED, actor=actor, note=note.strip(), verb="登记拒签")
    return notice
