"""The citizen part of the window score (80 points) comes from the ratings app through
exactly this interface (agreed with the ratings issue):

    ratings.selectors.citizen_scores(*, start, end, by) -> list[CitizenScore]
    ratings.selectors.citizen_score_for(*, start, end, staff=None, window=None, branch=None) -> CitizenScore

`CitizenScore` (ratings.scoring) has unit_id, unit_label, counts, excluded, counted,
points, r, score (None = 未评价) and rules_ref. Until ratings.selectors exists the
window score shows "职工评价未接入" instead of a number: it never invents one.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from ratings.scoring import CitizenScore

Unit = Literal["staff", "window", "branch"]


class CitizenUnavailable(Exception):
    """The ratings app does not provide the citizen scores (yet)."""


def citizen_scores(*, start: date, end: date, by: Unit) -> dict[int, CitizenScore]:
    """The citizen score of every unit with ratings in the period, by unit id."""
    try:
        from ratings import selectors
    except ImportError as exc:  # pragma: no cover - depends on the ratings issue's progress
        raise CitizenUnavailable("好差评模块尚未提供职工评价得分。") from exc
    provider = getattr(selectors, "citizen_scores", None)
    if provider is None:
        raise CitizenUnavailable("好差评模块尚未提供职工评价得分。")
    return {s.unit_id: s for s in provider(start=start, end=end, by=by) if s.unit_id is not None}
