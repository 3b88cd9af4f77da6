"""The wait estimate, as pure functions (no Django): docs/queueing.md "Wait estimate".

    minutes = people ahead × EWMA(recent service durations) ÷ windows open for the category

The EWMA runs over the last services in the order they finished,
s₁ = d₁, sₖ = α·dₖ + (1−α)·sₖ₋₁, so the latest services weigh most and one unusually
long case fades out after a few others. The result is shown as a band of
`band_minutes` (“约 10–15 分钟”), because a single number promises a precision the
method does not have.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def ewma(durations: Sequence[float], *, alpha: float, default: float) -> float:
    """Exponentially weighted mean of durations given oldest first; `default` when none."""
    if not durations:
        return default
    value = float(durations[0])
    for duration in durations[1:]:
        value = alpha * float(duration) + (1 - alpha) * value
    return value


def wait_minutes(*, people_ahead: int, service_minutes: float, windows: int) -> float | None:
    """Minutes until a ticket with `people_ahead` is called; None when no window serves it."""
    if people_ahead < 0:
        raise ValueError("people_ahead < 0")
    if windows <= 0:
        return None
    return people_ahead * service_minutes / windows


@dataclass(frozen=True)
class WaitBand:
    low: int
    high: int

    @property
    def label(self) -> str:
        if self.high == 0:
            return "即将叫号"
        return f"约 {self.low}–{self.high} 分钟"


def band(minutes: float | None, *, step: int) -> WaitBand | None:
    """The band of `step` minutes the estimate falls in: 12 → 10–15 (step 5);
    an exact multiple opens the next band (10 → 10–15); 0 → “即将叫号”."""
    if minutes is None:
        return None
    if minutes <= 0:
        return WaitBand(0, 0)
    low = math.floor(minutes / step) * step
    return WaitBand(low, low + step)
