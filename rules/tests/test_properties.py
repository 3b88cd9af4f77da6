"""Invariant of the timeline: whatever sequence of revisions and adoptions is tried,
exactly one version of a kind is in force on each day, and days up to today keep the
rule set they had."""

from __future__ import annotations

import copy
from datetime import timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from common import clock
from common.errors import DomainError
from rules.models import RuleKind, RuleSet
from rules.selectors import rule_set_latest
from rules.services import rule_set_adopt, rule_set_revise

CODES = ["xinjian-2018-complaint-penalty", "anqing-2019-complaint-penalty"]
KIND = RuleKind.COMPLAINT_PENALTY
HORIZON = 70

operations = st.lists(
    st.tuples(
        st.sampled_from(["revise", "revise_undated", "adopt"]),
        st.sampled_from(CODES),
        st.integers(min_value=-3, max_value=60),
        st.integers(min_value=1, max_value=500),
    ),
    max_size=12,
)


class TimelineTests(TestCase):
    @settings(max_examples=75, deadline=None)
    @given(operations)
    def test_exactly_one_version_of_a_kind_is_in_force_on_every_day(self, ops):
        today = clock.today()
        window = [today + timedelta(days=n) for n in range(-3, HORIZON)]
        before = {day: self._in_force(day) for day in window if day <= today}
        for action, code, offset, amount in ops:
            when = today + timedelta(days=offset)
            try:
                if action == "adopt":
                    rule_set_adopt(actor="hypothesis", code=code, effective_from=when)
                else:
                    params = copy.deepcopy(rule_set_latest(code).params)
                    params["ladder"]["steps"][0]["amount_yuan"] = amount
                    rule_set_revise(
                        actor="hypothesis",
                        code=code,
                        params=params,
                        effective_from=None if action == "revise_undated" else when,
                        note="随机修订",
                    )
            except DomainError as exc:
                event(f"refused: {exc.code}")
            else:
                event(f"applied: {action}")
        for day in window:
            in_force = list(RuleSet.objects.filter(kind=KIND).in_force(day))
            assert len(in_force) == 1, (day, [r.ref for r in in_force])
        for day, ref in before.items():
            assert self._in_force(day) == ref, day

    def _in_force(self, day):
        return RuleSet.objects.filter(kind=KIND).in_force(day).get().ref
