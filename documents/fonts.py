"""The embedded fonts of every generated PDF.

A printed form must show correct Chinese on any machine, including a fresh one with
no CJK font installed, so the PDFs embed a subset of Noto Sans SC (documents/fonts/,
SIL OFL) instead of naming a font the viewer may not have. ReportLab subsets the
TrueType outlines: only the glyphs a document uses are embedded.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "NotoSansSC"
BOLD = "NotoSansSC-Bold"
_FILES = {REGULAR: "NotoSansSC-Regular.ttf", BOLD: "NotoSansSC-Bold.ttf"}

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the two weights with ReportLab (once per process, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
        _registered = True


@cache
def _covered() -> frozenset[int]:
    register_fonts()
    regular = pdfmetrics.getFont(REGULAR)
    return frozenset(regular.face.charToGlyph)  # type: ignore[attr-defined]


def missing_glyphs(text: str) -> set[str]:
    """Characters of `text` the embedded font cannot draw (they would print as boxes).
    Whitespace and control characters are not drawn and never missing."""
    covered = _covered()
    return {ch for ch in text if not ch.isspace() and ord(ch) not in covered}
