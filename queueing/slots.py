"""Booking slots of a day, as a pure function (no Django).

A hall books from opening until the day close (轧账, 000 §二(二)1(5)): after the day
close no ticket is issued, so no slot may end later. Slots that overlap the lunch
break are left out. Example (08:30, 17:00, break 12:00–14:00, 30 minutes):
08:30, 09:00, … 11:30, 14:00, … 16:30.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True)
class Slot:
    start: time
    end: time

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def key(self) -> str:
        return f"{self.start:%H:%M}"


def day_slots(
    *,
    opens_at: time,
    closes_at: time,
    minutes: int,
    break_starts_at: time | None = None,
    break_ends_at: time | None = None,
) -> list[Slot]:
    if minutes <= 0:
        raise ValueError("slot minutes must be positive")
    anchor = date(2000, 1, 3)
    cursor = datetime.combine(anchor, opens_at)
    end_of_day = datetime.combine(anchor, closes_at)
    pause = None
    if break_starts_at is not None and break_ends_at is not None and break_starts_at < break_ends_at:
        pause = (datetime.combine(anchor, break_starts_at), datetime.combine(anchor, break_ends_at))
    step = timedelta(minutes=minutes)
    slots: list[Slot] = []
    while cursor + step <= end_of_day:
        end = cursor + step
        if pause is not None and cursor < pause[1] and end > pause[0]:
            cursor = pause[1]  # overlaps the break: resume when it ends
            continue
        slots.append(Slot(cursor.time(), end.time()))
        cursor = end
    return slots


_RANGE = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-–—~至到]+\s*(\d{1,2})[:：](\d{2})")


def break_from_hours_note(note: str) -> tuple[time, time] | None:
    """The lunch break read from a branch's hours note: the gap between its first two
    ranges (“上午 8:30–12:00，下午 14:00–17:30” → 12:00–14:00); None if there is none."""
    ranges = []
    for match in _RANGE.finditer(note or ""):
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            return None
        ranges.append((time(h1, m1), time(h2, m2)))
    if len(ranges) < 2:
        return None
    (_, morning_end), (afternoon_start, _) = ranges[0], ranges[1]
    if morning_end >= afternoon_start:
        return None
    return morning_end, afternoon_start
