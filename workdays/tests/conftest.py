"""Fixtures of the workdays tests."""

from __future__ import annotations

import pytest

from workdays.arithmetic import WorkdayIndex
from workdays.seed import SEED_YEARS, seeded_year
from workdays.yearplan import DaySpec


@pytest.fixture(scope="session")
def seeded_days() -> dict:
    """Every day of 2004–2026 as the seeding migration writes it (no database)."""
    return {spec.date: spec for year in SEED_YEARS for spec in seeded_year(year)}


@pytest.fixture(scope="session")
def seeded_index(seeded_days: dict[object, DaySpec]) -> WorkdayIndex:
    """The index the seeded table yields, built without a database."""
    return WorkdayIndex((d for d, spec in seeded_days.items() if spec.is_workday), SEED_YEARS)
