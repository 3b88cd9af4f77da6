"""The content of a printed form, independent of its output.

A form definition turns its context into a `Document`: one or more parts (申请人联,
存根联 …), each a list of blocks. The PDF writer (documents.pdf) and the HTML writer
(documents.html) draw the same blocks, so the printed page and the PDF of a form can
never say different things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Audience(StrEnum):
    """Who keeps a part. Identity and phone numbers are masked on the citizen's part
    where the form does not need them whole (DESIGN.md "Guarantees")."""

    CITIZEN = "citizen"  # 申请人联: handed to the citizen
    ARCHIVE = "archive"  # 存根联: kept by the department
    INTERNAL = "internal"  # an internal form (延期申请表)


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph. `style`: body, lead (the opening sentence said to the citizen),
    note (small print), strong (a warning), phrase (a standard phrase, quoted)."""

    text: str
    style: str = "body"


@dataclass(frozen=True)
class Fields:
    """Label–value pairs laid out in `columns` pairs per row (a form's header grid)."""

    rows: tuple[tuple[str, str], ...]
    columns: int = 2


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    empty_text: str = "无"


@dataclass(frozen=True)
class Steps:
    """A numbered list (procedure steps, channels)."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class SignatureLine:
    label: str  # 办事职工签名
    image_png: bytes | None = None  # a signature captured on the counter tablet
    text: str = ""  # "已在纸质清单上签字" or a name already known (承办人)
    date_text: str = ""


@dataclass(frozen=True)
class Signatures:
    lines: tuple[SignatureLine, ...]


@dataclass(frozen=True)
class Blank:
    """An empty ruled box of `lines` lines, for handwriting (an opinion, a note)."""

    lines: int = 3
    label: str = ""


@dataclass(frozen=True)
class QrBox:
    """A QR code with its caption; the URL is printed under it for those who cannot scan."""

    url: str
    caption: str


Block = Heading | Para | Fields | Table | Steps | Signatures | Blank


@dataclass(frozen=True)
class Part:
    label: str  # 申请人联 / 存根联 / "" for a single-part form
    audience: Audience
    blocks: tuple[Block, ...]
    keep_note: str = ""  # 此联交申请人 / 此联由经办部门留底备查
    qr: QrBox | None = None  # printed in the header corner of the citizen's part


@dataclass(frozen=True)
class Document:
    form_code: str
    title: str
    issuer: str  # the centre (and branch) issuing the form
    number_label: str
    number: str
    date_text: str
    parts: tuple[Part, ...]
    basis: str = ""  # the regulation clause the form serves, printed in small type
    meta: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """Every word of the document, in order (for tests and glyph checks)."""
        out = [self.issuer, self.title, self.number_label, self.number, self.date_text, self.basis]
        for part in self.parts:
            out += [part.label, part.keep_note]
            if part.qr:
                out += [part.qr.caption, part.qr.url]
            for block in part.blocks:
                out += list(block_text(block))
        return "\n".join(t for t in out if t)


def block_text(block: Block) -> list[str]:
    if isinstance(block, Heading | Para):
        return [block.text]
    if isinstance(block, Fields):
        return [f"{label} {value}" for label, value in block.rows]
    if isinstance(block, Table):
        return [" ".join(block.headers)] + [" ".join(row) for row in block.rows] or [block.empty_text]
    if isinstance(block, Steps):
        return list(block.items)
    if isinstance(block, Signatures):
        return [f"{line.label} {line.text} {line.date_text}" for line in block.lines]
    if isinstance(block, Blank):
        return [block.label]
    raise TypeError(f"unknown block {block!r}")
