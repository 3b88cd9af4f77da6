"""Erlang C (reports/dashboard/erlang.py) against a published worked example, and its
invariants as property tests."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.dashboard import erlang


def test_it_reproduces_the_published_call_centre_example():
    """The worked example of Call Centre Helper, "Erlang C Formula – Made Simple With an
    Easy Worked Example" (callcentrehelper.com), reproduced in the pyworkforce tutorial
    "Solving Queue Problems with ErlangC"
    (https://pyworkforce.readthedocs.io/en/0.5.2/tutorials/erlangc_example.html):

    100 calls per 30 minutes, average handling time 3 minutes (180 s), target 80 % of
    calls answered within 20 seconds, maximum occupancy 85 %, shrinkage 30 % →
    traffic intensity 10 Erlangs; raw_positions 14, positions 20 (after shrinkage),
    service_level 0.888, occupancy 0.714, waiting_probability 0.174.

    (Thirteen agents reach only 79.6 %, just short of the 80 % target; the published
    answer is fourteen.)"""
    calls_per_second = 100 / (30 * 60)
    traffic = calls_per_second * 180
    assert traffic == pytest.approx(10.0)
    result = erlang.servers_needed(
        traffic, target_wait=20, target_share=0.80, mean_service=180, max_occupancy=0.85
    )
    assert result.servers == 14
    assert round(result.service_level, 3) == 0.888
    assert round(result.occupancy, 3) == 0.714
    assert round(result.waiting_probability, 3) == 0.174
    assert math.ceil(result.servers / (1 - 0.30)) == 20  # the published positions with shrinkage


def test_the_steps_of_the_example_match_the_published_intermediate_figures():
    """Same source, step by step from N = A + 1 = 11 agents: the probability a call
    waits is 68.2 % with 11 agents and the service level stays below target until 14."""
    assert round(erlang.erlang_c(11, 10.0), 4) == 0.6821
    levels = {n: erlang.service_level(n, 10.0, target_wait=20, mean_service=180) for n in range(11, 15)}
    assert [n for n, level in levels.items() if level >= 0.8] == [14]
    assert round(levels[13], 3) == 0.796


def test_the_average_speed_of_answer_follows_the_formula():
    # ASA = C · h / (N − A): 0.1741 · 180 / 4 ≈ 7.8 seconds for 14 agents.
    assert erlang.average_speed_of_answer(14, 10.0, mean_service=180) == pytest.approx(7.83, abs=0.01)
    assert erlang.average_speed_of_answer(10, 10.0, mean_service=180) == math.inf


def test_erlang_b_matches_the_textbook_value():
    # B(5, 3) = (3^5/5!) / Σ_{k≤5} 3^k/k! = 2.025 / 18.4 ≈ 0.11005.
    expected = (3**5 / math.factorial(5)) / sum(3**k / math.factorial(k) for k in range(6))
    assert erlang.erlang_b(5, 3.0) == pytest.approx(expected, rel=1e-12)


def test_it_stays_finite_for_a_very_large_load():
    # 5 000 Erlangs: the factorial form would overflow a float at N ≈ 170.
    result = erlang.servers_needed(5000.0, target_wait=20, target_share=0.8, mean_service=180)
    assert 5000 < result.servers < 5200
    assert 0 < result.waiting_probability < 1
    assert result.service_level >= 0.8


def test_no_traffic_needs_no_window():
    result = erlang.servers_needed(0.0, target_wait=20, target_share=0.8, mean_service=8)
    assert result.servers == 0 and result.service_level == 1.0


def test_too_few_servers_never_meet_a_target():
    assert erlang.erlang_c(3, 3.0) == 1.0
    assert erlang.service_level(3, 3.5, target_wait=20, mean_service=8) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target_share": 1.0}, "target_share"),
        ({"target_share": 0.0}, "target_share"),
        ({"max_occupancy": 0.0}, "max_occupancy"),
        ({"target_wait": -1}, "target_wait"),
    ],
)
def test_it_refuses_targets_that_cannot_be_met(kwargs, message):
    args = {"target_wait": 20, "target_share": 0.8, "mean_service": 8} | kwargs
    with pytest.raises(ValueError, match=message):
        erlang.servers_needed(5.0, **args)


loads = st.floats(min_value=0.01, max_value=300, allow_nan=False, allow_infinity=False)
waits = st.floats(min_value=0, max_value=60, allow_nan=False)
services = st.floats(min_value=0.5, max_value=60, allow_nan=False)
shares = st.floats(min_value=0.05, max_value=0.99, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(traffic=loads, target_wait=waits, mean_service=services, extra=st.integers(min_value=0, max_value=40))
def test_more_servers_never_lower_the_service_level(traffic, target_wait, mean_service, extra):
    n = math.floor(traffic) + 1 + extra
    fewer = erlang.service_level(n, traffic, target_wait=target_wait, mean_service=mean_service)
    more = erlang.service_level(n + 1, traffic, target_wait=target_wait, mean_service=mean_service)
    assert more >= fewer - 1e-12
    assert erlang.erlang_c(n + 1, traffic) <= erlang.erlang_c(n, traffic) + 1e-12


@settings(max_examples=200, deadline=None)
@given(traffic=loads, target_wait=waits, mean_service=services, share=shares)
def test_the_number_found_is_the_least_that_meets_the_target(traffic, target_wait, mean_service, share):
    found = erlang.servers_needed(
        traffic, target_wait=target_wait, target_share=share, mean_service=mean_service
    )
    assert found.service_level >= share
    one_less = erlang.service_level(
        found.servers - 1, traffic, target_wait=target_wait, mean_service=mean_service
    )
    assert one_less < share


@settings(max_examples=200, deadline=None)
@given(traffic=loads, servers=st.integers(min_value=1, max_value=400))
def test_probabilities_stay_between_zero_and_one(traffic, servers):
    assert 0.0 <= erlang.erlang_b(servers, traffic) <= 1.0
    assert 0.0 <= erlang.erlang_c(servers, traffic) <= 1.0
    assert erlang.erlang_c(servers, traffic) >= erlang.erlang_b(servers, traffic) - 1e-12
