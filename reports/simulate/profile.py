"""The shape of a realistic hall day, shared by the service-driven simulation
(reports/simulate/services mode) and the bulk generator for the large data set.

Nothing here is a regulation: these are the observed patterns of a provident-fund
hall (a Monday-morning peak, a lunch dip, withdrawals the largest category, loans the
longest at the window) that make the statistics look like a real centre. Pure Python,
no Django imports, so both generators and their tests share one source.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import time

# Relative arrival intensity per half hour of the opening day (start of the half hour).
# Halls open 08:30; the peak is 09:00–11:00, a dip at lunch, a smaller afternoon peak.
HALF_HOUR_WEIGHTS: dict[time, float] = {
    time(8, 30): 0.9,
    time(9, 0): 1.35,
    time(9, 30): 1.5,
    time(10, 0): 1.45,
    time(10, 30): 1.25,
    time(11, 0): 0.95,
    time(11, 30): 0.6,
    time(12, 0): 0.3,
    time(12, 30): 0.35,
    time(13, 0): 0.55,
    time(13, 30): 0.8,
    time(14, 0): 1.0,
    time(14, 30): 1.1,
    time(15, 0): 1.05,
    time(15, 30): 0.9,
    time(16, 0): 0.7,
    time(16, 30): 0.45,
}

# Monday carries the weekend's backlog; a working Saturday (调休上班) is quieter.
WEEKDAY_FACTORS: dict[int, float] = {0: 1.3, 1: 1.05, 2: 1.0, 3: 0.95, 4: 1.1, 5: 0.8, 6: 0.8}

# Share of tickets per business category (org.models.Category values).
CATEGORY_SHARES: dict[str, float] = {"withdrawal": 0.5, "collection": 0.22, "loan": 0.2, "other": 0.08}

# Service time at the window in minutes: log-normal with this median and sigma.
SERVICE_MINUTES: dict[str, tuple[float, float]] = {
    "withdrawal": (7.0, 0.45),
    "collection": (6.0, 0.5),
    "loan": (16.0, 0.4),
    "other": (5.0, 0.5),
}

PRIORITY_SHARE = 0.04  # 老幼病残军孕 on the green channel
APPOINTMENT_SHARE = 0.12  # of tickets, booked in advance
APPOINTMENT_NO_SHOW_SHARE = 0.08  # of appointments
NO_SHOW_SHARE = 0.04  # of called tickets nobody answers
CANCEL_SHARE = 0.01  # of tickets, left before being called
CASE_SHARE = 0.65  # of served tickets that open a 办件 (the rest are consultations)
SUPPLEMENT_SHARE = 0.08  # of cases: materials incomplete, 补办
REJECT_SHARE = 0.015  # of cases: 不予受理
EXTENSION_SHARE = 0.01  # of promised/joint/escalated cases
OVERDUE_SHARE = 0.012  # of cases with a deadline that are completed late
RATING_SHARE = 0.72  # of served tickets that are rated at the counter
# 好差评 level 5 (非常满意) … 1 (非常不满意); 差评 = levels 1–2, about 2 %.
RATING_LEVEL_WEIGHTS: dict[int, float] = {5: 0.86, 4: 0.09, 3: 0.03, 2: 0.012, 1: 0.008}
COMPLAINTS_PER_THOUSAND_TICKETS = 1.5


def arrivals_for_day(rng: random.Random, mean_per_day: float, weekday: int) -> int:
    """How many people take a number on a day (Poisson around the weekday's mean)."""
    return poisson(rng, mean_per_day * WEEKDAY_FACTORS[weekday])


def poisson(rng: random.Random, mean: float) -> int:
    # Knuth for small means, the normal approximation above (fast and good enough here).
    if mean <= 0:
        return 0
    if mean < 60:
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def arrival_minute(rng: random.Random) -> int:
    """Minutes after 08:30 of one arrival, drawn from HALF_HOUR_WEIGHTS."""
    starts = list(HALF_HOUR_WEIGHTS)
    start = rng.choices(starts, weights=list(HALF_HOUR_WEIGHTS.values()))[0]
    offset = (start.hour * 60 + start.minute) - (8 * 60 + 30)
    return offset + rng.randrange(30)


def category(rng: random.Random) -> str:
    return rng.choices(list(CATEGORY_SHARES), weights=list(CATEGORY_SHARES.values()))[0]


def service_minutes(rng: random.Random, category_value: str) -> float:
    median, sigma = SERVICE_MINUTES[category_value]
    return max(1.0, rng.lognormvariate(math.log(median), sigma))


def rating_level(rng: random.Random) -> int:
    return rng.choices(list(RATING_LEVEL_WEIGHTS), weights=list(RATING_LEVEL_WEIGHTS.values()))[0]


# --- Used by the service-driven simulation (reports/simulate/hall.py, casework.py) -------

# Mean tickets on an ordinary working day (weekday factor 1.0) at --volume 1.0: the
# central hall is much busier than the county branches. Branches not listed get OTHER.
BRANCH_DAILY_TICKETS: dict[str, float] = {"HD01": 120.0, "WA01": 38.0, "SX01": 32.0}
OTHER_BRANCH_DAILY_TICKETS = 30.0
# The default --volume of `manage.py simulate`: every visit goes through the services
# (about ten service calls a visit), so a full-volume quarter takes many minutes; `make
# run` must stay under about 90 seconds (docs/simulate.md "Timings").
DEFAULT_VOLUME = 0.2

LATE_CHECKIN_SHARE = 0.05  # of appointments that come: after the check-in window (迟到转现场)
RECALL_SHARE = 0.06  # of answered calls: the citizen comes only after one recall
TRANSFER_SHARE = 0.02  # of served tickets: sent to another category (多窗联办)
TELLER_ABSENCE_SHARE = 0.03  # of teller-days: on leave, the window stays closed
# Windows opened on a day: enough specialist windows for each category that the
# expected load of the day's peak hour keeps them about this busy (the green-channel /
# universal window is always open). A hall staffed for its load has real queues at the
# Monday-morning peak and none at 16:30, whatever the --volume.
TARGET_OCCUPANCY = 0.85
PAUSE_SHARE = 0.35  # of teller-days with one short pause (请示协调、临时离柜、工间休息)
PAUSE_MINUTES = (5, 15)
WALK_TO_WINDOW_MINUTES = (0.3, 1.5)

# Which handling type a case of each category is (002 篇5 §三); a matter of that type and
# category is then drawn from the catalogue.
HANDLING_TYPE_SHARES: dict[str, dict[str, float]] = {
    "withdrawal": {"immediate": 1.0},
    "collection": {"immediate": 0.78, "promised": 0.09, "joint": 0.06, "escalated": 0.07},
    "loan": {"immediate": 0.55, "promised": 0.35, "joint": 0.1},
    "other": {"immediate": 0.7, "promised": 0.3},
}
CASE_REFUSED_SHARE = 0.03  # of decisions: 不予批准 (with the reasons in writing)
DELIVERY_BY_MAIL_SHARE = 0.1  # of promised cases: the result is posted
ESCALATION_REPLY_DAYS = (4, 20)  # calendar days until the higher authority replies

RATING_BAD_REASONS: dict[str, float] = {"efficiency": 0.4, "attitude": 0.25, "ran_back": 0.25, "other": 0.1}
BAD_RATING_UNFOUNDED_SHARE = 0.25  # of followed-up bad ratings: verified as unfounded
FOLLOW_UP_LEFT_OPEN_SHARE = 0.08  # of bad ratings: nobody gets to it (overdue on the worklist)
CALLBACK_NOT_REACHED_SHARE = 0.08
CALLBACK_DISSATISFIED_SHARE = 0.01

# Complaint paths (000 §五(四)); the rest are general complaints handled to the end.
COMPLAINT_CHANNEL_WEIGHTS: dict[str, float] = {
    "hotline": 0.35,
    "phone": 0.2,
    "web": 0.2,
    "visit": 0.15,
    "letter": 0.05,
    "email": 0.05,
}
COMPLAINT_INVALID_SHARE = 0.2
COMPLAINT_ON_THE_SPOT_SHARE = 0.15  # of visits: settled on the spot
COMPLAINT_LATE_SHARE = 0.15  # of general complaints: answered after the limit

INSPECTIONS_PER_WORKDAY = 1.0  # 日常检查 of a window by the business management office
INSPECTION_FINDING_SHARE = 0.3
SURPRISE_INSPECTION_SHARE = 0.15
PATROL_VIOLATION_SHARE = 0.05  # of patrol rounds


def peak_hour_share() -> float:
    """Share of a day's arrivals in its busiest hour (two consecutive half hours)."""
    weights = list(HALF_HOUR_WEIGHTS.values())
    return max(a + b for a, b in itertools.pairwise(weights)) / sum(weights)


def mean_service_minutes(category_value: str) -> float:
    median, sigma = SERVICE_MINUTES[category_value]
    return median * math.exp(sigma * sigma / 2)  # the mean of the log-normal


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
