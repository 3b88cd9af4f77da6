"""Erlang C: the M/M/N queue behind the staffing advice (docs/staffing.md).

Pure Python, no Django: the model is tested on its own against a published worked
example and with property tests (reports/tests/test_erlang.py).

Units: `traffic` is the offered load in Erlangs (arrivals per unit time × mean service
time in the same unit); `target_wait` and `mean_service` share one time unit of their
own (minutes in the product, seconds in the call-centre example).

Numerical stability: the factorial form A^N/N! overflows a float near N = 170 and loses
precision well before; the Erlang B recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1))
stays in [0, 1] for every k, and C = N·B / (N − A·(1 − B)) follows from it exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def erlang_b(servers: int, traffic: float) -> float:
    """Blocking probability of an M/M/N/N loss system (Erlang B)."""
    if servers < 0:
        raise ValueError("servers must be ≥ 0")
    if traffic < 0:
        raise ValueError("traffic must be ≥ 0")
    b = 1.0
    for k in range(1, servers + 1):
        ab = traffic * b
        b = ab / (k + ab)
    return b


def erlang_c(servers: int, traffic: float) -> float:
    """Probability that an arrival has to wait (all N servers busy). 1.0 when the
    servers cannot keep up (N ≤ A): the queue then grows without bound."""
    if traffic <= 0:
        return 0.0
    if servers <= traffic:
        return 1.0
    b = erlang_b(servers, traffic)
    return min(1.0, servers * b / (servers - traffic * (1.0 - b)))


def service_level(servers: int, traffic: float, *, target_wait: float, mean_service: float) -> float:
    """Share of arrivals whose wait is at most `target_wait`:
    1 − C(N, A) · exp(−(N − A) · t / h)."""
    if mean_service <= 0:
        raise ValueError("mean_service must be > 0")
    if traffic <= 0:
        return 1.0
    if servers <= traffic:
        return 0.0
    waiting = erlang_c(servers, traffic)
    return max(0.0, 1.0 - waiting * math.exp(-(servers - traffic) * target_wait / mean_service))


def average_speed_of_answer(servers: int, traffic: float, *, mean_service: float) -> float:
    """Mean wait of all arrivals (ASA): C(N, A) · h / (N − A); infinite when N ≤ A."""
    if traffic <= 0:
        return 0.0
    if servers <= traffic:
        return math.inf
    return erlang_c(servers, traffic) * mean_service / (servers - traffic)


def occupancy(servers: int, traffic: float) -> float:
    """Share of the servers' time spent serving (A / N, at most 1)."""
    if servers <= 0:
        return 1.0 if traffic > 0 else 0.0
    return min(1.0, traffic / servers)


@dataclass(frozen=True)
class Staffing:
    servers: int
    traffic: float
    waiting_probability: float
    service_level: float
    average_speed_of_answer: float
    occupancy: float


def evaluate(servers: int, traffic: float, *, target_wait: float, mean_service: float) -> Staffing:
    return Staffing(
        servers=servers,
        traffic=traffic,
        waiting_probability=erlang_c(servers, traffic),
        service_level=service_level(servers, traffic, target_wait=target_wait, mean_service=mean_service),
        average_speed_of_answer=average_speed_of_answer(servers, traffic, mean_service=mean_service),
        occupancy=occupancy(servers, traffic),
    )


def servers_needed(
    traffic: float,
    *,
    target_wait: float,
    target_share: float,
    mean_service: float,
    max_occupancy: float = 1.0,
) -> Staffing:
    """The fewest servers N with service_level ≥ target_share and A/N ≤ max_occupancy.

    No traffic needs no server. The search starts at the least N that can keep up
    (⌊A⌋ + 1) and walks up; the service level tends to 1 as N grows, so it ends, after
    about √A steps for a large load."""
    if not 0 < target_share < 1:
        raise ValueError("target_share must be in (0, 1)")
    if not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must be in (0, 1]")
    if target_wait < 0:
        raise ValueError("target_wait must be ≥ 0")
    if traffic <= 0:
        return evaluate(0, 0.0, target_wait=target_wait, mean_service=mean_service)
    n = max(1, math.floor(traffic) + 1, math.ceil(traffic / max_occupancy))
    while True:
        result = evaluate(n, traffic, target_wait=target_wait, mean_service=mean_service)
        if result.service_level >= target_share and result.occupancy <= max_occupancy:
            return result
        n += 1
