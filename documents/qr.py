"""QR codes on the citizen's part of a form (the status / rating page)."""

from __future__ import annotations

import io

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathImage

# Medium error correction survives a crease or a stamp over a corner of the code.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
BORDER = 2  # modules of quiet zone (the printed box adds white space around it)
BOX = 8  # pixels per module in the PNG: crisp at any print scale


def _code(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=BORDER, box_size=BOX)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules of the code, quiet zone included (True = dark)."""
    return _code(url).get_matrix()


def qr_png(url: str) -> bytes:
    image = _code(url).make_image(fill_color="black", back_color="white")
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def qr_svg(url: str) -> str:
    """An inline SVG for the printable HTML page."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=BORDER, image_factory=SvgPathImage)
    code.add_data(url)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    return svg[svg.index("<svg") :] if "<svg" in svg else svg
