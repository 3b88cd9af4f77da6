"""One hall on one working day: arrivals, the queue served by the open windows (tickets,
no-shows, cancellations, transfers), the windows' sign-in and sign-out events, and the
appointments that came (or did not)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from queueing.models import (
    Priority,
    TicketSource,
    TicketStatus,
)
from reports.simulate import profile
from reports.simulate.bulk._common import (
    BranchInfo,
    DayRows,
    L,
    WindowInfo,
    _at,
    _Codes,
    _Context,
)
from reports.simulate.bulk.people import mobile, person_name, resident_id, token
from rules.models import RuleKind


@dataclass
class _Open:
    info: WindowInfo
    free: float  # minutes after midnight
    first: float | None = None
    last: float = 0.0


def _hall_day(
    ctx: _Context, rows: DayRows, rng: random.Random, branch: BranchInfo, day: date, mean: float
) -> list[tuple[dict[str, Any], BranchInfo]]:
    """The tickets of one hall on one day, served by the windows that open that day."""
    n = profile.arrivals_for_day(rng, mean, day.weekday())
    if n == 0:
        return []
    queue_rules = ctx.rules(RuleKind.QUEUE, day).params
    arrivals = sorted(branch.opens + profile.arrival_minute(rng) + rng.random() for _ in range(n))
    tickets: list[dict[str, Any]] = []
    slot_minutes = queue_rules.slot_minutes
    slots_taken: dict[tuple[str, float], int] = {}
    booked: dict[str, int] = {}
    ids_today: set[tuple[str, str]] = set()
    for arrival in arrivals:
        category = profile.category(rng)
        appointment_at = None
        source = TicketSource.GUIDE if rng.random() < 0.05 else TicketSource.KIOSK
        if rng.random() < profile.APPOINTMENT_SHARE:
            # The slot that starts at or after the arrival (check-in up to 30 min before it).
            slot = branch.opens + math.ceil((arrival - branch.opens) / slot_minutes) * slot_minutes
            key = (category, slot)
            if (
                slot - arrival <= queue_rules.checkin_before_minutes
                and slots_taken.get(key, 0) < queue_rules.slot_capacity
                and booked.get(category, 0) < queue_rules.daily_booking_cap
            ):
                slots_taken[key] = slots_taken.get(key, 0) + 1
                booked[category] = booked.get(category, 0) + 1
                source, appointment_at = TicketSource.APPOINTMENT, slot
        tickets.append(
            {
                "_arrival": arrival,
                "_appointment": appointment_at,
                "category": category,
                "priority": rng.choice(Priority.values) if rng.random() < profile.PRIORITY_SHARE else "",
                "source": source,
            }
        )
    # Numbers per queue in the order the tickets were taken.
    numbers: dict[str, int] = {}
    for t in tickets:
        q_id, letter = branch.queues[t["category"]]
        numbers[t["category"]] = number = numbers.get(t["category"], 0) + 1
        taken = _at(ctx, day, t["_arrival"])
        t.update(
            branch_id=branch.id,
            queue_id=q_id,
            service_date=day,
            number=number,
            display_number=f"{letter}{number:03d}",
            token=token(rng),
            taken_at=taken,
            queued_at=taken,
            taken_by=(
                branch.guide_label if t["source"] == TicketSource.GUIDE else f"kiosk:{branch.code}:大厅1号"
            ),
            appointment_at=_at(ctx, day, t["_appointment"]) if t["_appointment"] is not None else None,
            recall_count=0,
        )
    for category, last in numbers.items():
        rows.counters.append(
            {"queue_id": branch.queues[category][0], "service_date": day, "last_number": last}
        )
    _serve(ctx, rows, rng, branch, day, tickets)
    served = []
    for t in tickets:
        rows.tickets.append(t)
        if t["source"] == TicketSource.APPOINTMENT:
            rows.appointments.append(
                _appointment(ctx, rng, branch, day, t, ids_today, slot_minutes, ctx.codes)
            )
        if t["status"] == TicketStatus.DONE:
            served.append((t, branch))
    # Booked and never came (爽约): the day-end sweep marks them after closing.
    n_app = sum(1 for t in tickets if t["source"] == TicketSource.APPOINTMENT)
    share = profile.APPOINTMENT_NO_SHOW_SHARE
    for _ in range(profile.poisson(rng, n_app * share / (1 - share))):
        category = profile.category(rng)
        slot = branch.opens + rng.randrange(15) * slot_minutes
        rows.appointments.append(
            _appointment(
                ctx, rng, branch, day, None, ids_today, slot_minutes, ctx.codes, category=category, slot=slot
            )
        )
    return served


def _serve(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    branch: BranchInfo,
    day: date,
    tickets: list[dict[str, Any]],
) -> None:
    """Which windows open, and who is called where and when (see the module docstring)."""
    load: dict[bool, float] = {True: 0.0, False: 0.0}  # loan or not → service minutes
    for t in tickets:
        load[t["category"] == L] += profile.SERVICE_MINUTES[t["category"]][0] * 1.1
    # How well the hall is staffed today: mostly enough, sometimes short (leave, training).
    utilisation = rng.uniform(0.5, 0.72) if rng.random() > 0.12 else rng.uniform(0.75, 0.95)
    capacity = 450 * utilisation
    wanted = {k: max(1, math.ceil(v / capacity)) for k, v in load.items()}
    opened: list[_Open] = []
    counts = {True: 0, False: 0}
    for w in branch.windows:
        is_loan = w.categories == frozenset({L})
        if w.number == 1 or counts[is_loan] < wanted[is_loan]:
            opened.append(_Open(w, branch.opens + rng.uniform(-5, 0)))
            counts[is_loan] += 1

    def queue_key(t: dict[str, Any]) -> float:
        key = t["_arrival"]
        if t["_appointment"] is not None:
            key = min(key, t["_appointment"] - 10)
        if t["priority"]:
            key -= 15  # green channel: called ahead, at most 15 minutes (queue rule set)
        return key

    for t in sorted(tickets, key=queue_key):
        arrival = t["_arrival"]
        if rng.random() < profile.CANCEL_SHARE:
            t.update(status=TicketStatus.CANCELLED, finished_at=_at(ctx, day, arrival + rng.uniform(5, 40)))
            continue
        best: _Open | None = None
        for o in opened:
            if t["category"] in o.info.categories and (best is None or o.free < best.free):
                best = o
        if best is None:  # no open window of this category: the universal window 1 takes it
            best = opened[0]
        called = max(arrival + rng.uniform(0.1, 0.5), best.free)
        info = best.info
        t.update(window_id=info.id, staff_id=info.staff_id, called_at=_at(ctx, day, called))
        if best.first is None:
            best.first = called
        if rng.random() < profile.NO_SHOW_SHARE:
            gone = called + rng.uniform(1.0, 3.0)
            t.update(
                status=TicketStatus.NO_SHOW,
                no_show_at=_at(ctx, day, gone),
                finished_at=_at(ctx, day, gone),
                recall_count=rng.randint(1, 2),
            )
            best.free = best.last = gone
            continue
        started = called + rng.uniform(0.3, 1.5)
        finished = started + profile.service_minutes(rng, t["category"])
        t.update(
            status=TicketStatus.DONE,
            started_at=_at(ctx, day, started),
            finished_at=_at(ctx, day, finished),
            _started=started,
            _finished=finished,
        )
        best.last = finished
        best.free = finished + rng.uniform(0.2, 1.2)
    for o in opened:
        if o.first is None:
            continue
        sign_in, sign_out = min(o.first, branch.opens) - rng.uniform(1, 6), o.last + rng.uniform(1, 10)
        for action, frm, to, at in (
            ("sign_in", "closed", "open", sign_in),
            ("sign_out", "open", "closed", sign_out),
        ):
            rows.window_events.append(
                {
                    "window_id": o.info.id,
                    "action": action,
                    "from_status": frm,
                    "to_status": to,
                    "at": _at(ctx, day, at),
                    "staff_id": o.info.staff_id,
                    "actor_id": o.info.user_id,
                    "actor_label": o.info.label,
                }
            )


def _appointment(
    ctx: _Context,
    rng: random.Random,
    branch: BranchInfo,
    day: date,
    ticket: dict[str, Any] | None,
    ids_today: set[tuple[str, str]],
    slot_minutes: int,
    codes: _Codes,
    *,
    category: str | None = None,
    slot: float | None = None,
) -> dict[str, Any]:
    category = category or ticket["category"]  # type: ignore[index]
    slot = slot if slot is not None else ticket["_appointment"]  # type: ignore[index]
    assert slot is not None and category is not None
    while True:
        id_number = resident_id(rng, on=day)
        if (id_number, category) not in ids_today:
            ids_today.add((id_number, category))
            break
    booked_days = rng.randint(1, 5)
    created = _at(ctx, day - timedelta(days=booked_days), rng.uniform(7 * 60, 23 * 60))
    row = {
        "branch_id": branch.id,
        "queue_id": branch.queues[category][0],
        "category": category,
        "service_date": day,
        "slot_start": (datetime.min + timedelta(minutes=slot)).time(),
        "slot_end": (datetime.min + timedelta(minutes=slot + slot_minutes)).time(),
        "name": person_name(rng),
        "id_number": id_number,
        "mobile": mobile(rng),
        "code": codes.next(),
        "created_at": created,
        "_ticket": ticket,
    }
    if ticket is not None:
        row.update(status="checked_in", checked_in_at=ticket["taken_at"])
    else:
        close = _at(ctx, day, 17.5 * 60)
        row.update(status="no_show", closed_at=close)
    return row
