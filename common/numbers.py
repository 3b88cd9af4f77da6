"""Numbers typed into URLs and forms, parsed strictly: ASCII digits only (Python's int()
also takes '²', '٣' and '１'), and in range (a 20-digit id overflows SQLite's INTEGER
and PostgreSQL's bigint — a 500 instead of a "not found")."""

from __future__ import annotations

from typing import Any

MAX_ID = 2**63 - 1


def parse_int(value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """`value` as an int when it is plain ASCII digits (an optional leading minus) within
    [minimum, maximum]; None otherwise."""
    text = str(value).strip() if value is not None else ""
    digits = text[1:] if text.startswith("-") else text
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 19:
        return None
    number = int(text)
    if minimum is not None and number < minimum:
        return None
    if maximum is not None and number > maximum:
        return None
    return number


def parse_id(value: Any) -> int | None:
    """A primary key from a URL or a form: 1 … 2⁶³−1, ASCII digits only; None otherwise."""
    return parse_int(value, minimum=1, maximum=MAX_ID)


def parse_year(value: Any) -> int | None:
    """A calendar year the product can count in (1900–9998)."""
    return parse_int(value, minimum=1900, maximum=9998)
