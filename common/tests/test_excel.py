"""The one Excel writer: cells that cannot be poisoned, times in Beijing time."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from common.excel import new_workbook, workbook_bytes, write_sheet


def _read(rows):
    wb, ws = new_workbook()
    write_sheet(ws, ["a", "b"], rows, title="标题")
    return load_workbook(io.BytesIO(workbook_bytes(wb))).active


def test_text_that_looks_like_a_formula_is_stored_as_text():
    sheet = _read([['=HYPERLINK("http://x","y")', "@SUM(A1)"], ["+1", "-2"], [-3, 4.5]])
    link, at = sheet["A3"], sheet["B3"]
    assert link.value == '=HYPERLINK("http://x","y")' and link.data_type == "s" and link.quotePrefix
    assert at.data_type == "s" and at.quotePrefix
    assert sheet["A4"].data_type == "s" and sheet["B4"].data_type == "s"
    assert sheet["A5"].value == -3 and sheet["B5"].value == 4.5  # numbers stay numbers


def test_characters_a_workbook_cannot_hold_are_dropped_not_fatal():
    sheet = _read([["窗口\x0b态度差\x00", "ok\x1f"]])
    assert sheet["A3"].value == "窗口态度差" and sheet["B3"].value == "ok"


def test_a_moment_is_written_in_beijing_time():
    sheet = _read([[datetime(2026, 11, 22, 23, 40, tzinfo=UTC), "x"]])
    assert sheet["A3"].value == datetime(2026, 11, 23, 7, 40)
