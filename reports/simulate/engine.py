"""The service-driven simulation of the demo centre (issue 9, deliverable 5).

Every simulated working day is a discrete-event simulation of each hall: people arrive
by the shape of reports/simulate/profile.py, take a number at the kiosk (or check in an
appointment booked days before through the booking page's two steps), the tellers at
their windows call, recall, serve, transfer and finish through the queue's services, pause
for lunch and short breaks, and sign out after the day close. Served visits become cases
(reports/simulate/casework.py), are rated at the counter, and the back office works the
follow-ups, 12329 callbacks, complaints, inspections and patrols on the days after
(reports/simulate/oversight.py). Each step runs on the simulated clock at its own moment,
in time order across all halls; each day is one transaction.

Deterministic: one `random.Random(seed)` drives every decision and everything is iterated
in a fixed order (primary keys, codes, the event heap's sequence numbers). Tokens and
booking codes come from `secrets` in the services and differ between runs; no decision
depends on them.
"""

from __future__ import annotations

import heapq
import math
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction

from audit.services import audit_record
from common import clock, sms
from common.clock import Simulation as SimulatedClock
from common.errors import DomainError
from org.models import Branch, Rank, Role, Staff, Window
from queueing import selectors as queue_selectors
from queueing import services as queue
from queueing.models import Appointment, AppointmentStatus, PauseReason, Priority, Ticket, TicketStatus
from queueing.params import queue_rules
from reports.simulate import profile
from reports.simulate.people import Person, person
from workdays.calendar import CalendarNotPublished, add_workdays, is_workday

SIM_ACTOR = "simulate"
BOOKING_CODE_RE = re.compile(r"验证码 (\d+)")
HANDOVER_DEPARTMENTS = ("GJ", "TQ")  # 归集处, 提取处 (reports/simulate/casework.py)
PAUSE_NOTES = {
    PauseReason.CONSULT: "向部门负责人请示业务",
    PauseReason.AWAY: "临时离柜取打印材料",
    PauseReason.BREAK: "工间休息",
}


def at(day: date, minutes: float) -> datetime:
    """Local time `minutes` after midnight of `day`, aware (Asia/Shanghai)."""
    return clock.start_of(day) + timedelta(minutes=minutes)


def minutes_of(moment: time) -> float:
    return moment.hour * 60 + moment.minute + moment.second / 60


@dataclass
class Desk:
    """A teller at a window for the day."""

    window: Window
    staff: Staff
    user: Any
    branch: Branch
    categories: frozenset[str]
    on_duty: bool = True  # keeps serving through the lunch break (轮岗值守)
    signed_in: bool = False
    busy: bool = False
    paused: bool = False
    waking: bool = False
    pending_pause: tuple[str, float] | None = None  # (reason, minutes)
    ticket: Ticket | None = None
    visitor: Person | None = None
    case: Any = None


@dataclass
class Hall:
    branch: Branch
    desks: list[Desk]
    mean_per_day: float
    opens: float
    day_close: float
    closes: float
    break_start: float | None
    break_end: float | None
    # Numbers in line per category, kept from the services' answers: a teller looks at
    # the screen before pressing 叫号, so nobody calls an empty queue.
    waiting: Counter[str] = field(default_factory=Counter)


@dataclass
class Stats:
    counts: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)  # the first message of each refusal

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


class Simulation:
    def __init__(
        self,
        *,
        start: date,
        end: date,
        seed: int,
        volume: float,
        stdout: Any = None,
    ) -> None:
        self.start, self.end, self.volume = start, end, volume
        self.rng = random.Random(seed)
        self.clock = SimulatedClock()
        self.stdout = stdout
        self.stats = Stats()
        self.day: date = start
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = 0
        self.now_minutes = 0.0
        # Work for later days: date -> [(minutes, seq, action)].
        self.agenda: dict[date, list[tuple[float, int, Callable[[], None]]]] = {}
        self.visitors: dict[int, Person] = {}  # ticket pk -> the person (phones for callbacks)
        self.halls: list[Hall] = []
        self.users: dict[str, Any] = {}

    # ---------------------------------------------------------------------------------
    # Scheduling

    def moment(self, minutes: float | None = None) -> datetime:
        return at(self.day, self.now_minutes if minutes is None else minutes)

    def schedule(self, minutes: float, action: Callable[[], None]) -> None:
        """Run `action` today at `minutes` after midnight (never earlier than now)."""
        self._seq += 1
        heapq.heappush(self._heap, (max(minutes, self.now_minutes), self._seq, action))

    def later(self, day: date, minutes: float, action: Callable[[], None]) -> None:
        """Run `action` on a later day (dropped when that day is after the period: the
        work is still open at the end of the history, as it would be)."""
        if day <= self.day:
            self.schedule(minutes, action)
            return
        if day > self.end:
            return
        self._seq += 1
        self.agenda.setdefault(day, []).append((minutes, self._seq, action))

    def workday_after(self, day: date, n: int) -> date | None:
        try:
            return add_workdays(day, n)
        except CalendarNotPublished:
            return None

    def attempt(self, what: str, action: Callable[[], Any]) -> Any:
        """Run one service call; a refusal (4xx DomainError) is counted, not fatal: the
        simulation meets the same rules a person at the window would. Every service is
        atomic itself (a savepoint inside the day's transaction), so a refusal leaves
        nothing behind."""
        try:
            return action()
        except DomainError as exc:
            key = f"{what}: {exc.code}"
            self.stats.refused[key] += 1
            self.stats.examples.setdefault(key, exc.message)
            return None

    def _run_heap(self) -> None:
        while self._heap:
            minutes, _, action = heapq.heappop(self._heap)
            self.now_minutes = minutes
            self.clock.set(at(self.day, minutes))
            action()

    # ---------------------------------------------------------------------------------
    # Set-up

    def setup(self) -> None:
        from reports.simulate import casework, oversight

        self.users = {
            u.username: u
            for u in get_user_model()
            .objects.select_related("staff")
            .filter(username__in=["office1", "leader1", "inspector1", "head1"])
        }
        missing = {"office1", "leader1", "inspector1", "head1"} - set(self.users)
        if missing:
            raise DomainError(
                "演示中心的账号不全（缺少 " + "、".join(sorted(missing)) + "），请先运行 seed_demo。"
            )
        branches = list(Branch.objects.filter(is_active=True).select_related("hall").order_by("code"))
        if not branches:
            raise DomainError("数据库中没有管理部/网点，请先运行 seed_demo 载入演示中心。")
        self._ensure_teller_roles(branches)
        for branch in branches:
            desks = self._desks(branch)
            if not desks:
                continue
            hall = getattr(branch, "hall", None)
            mean = profile.BRANCH_DAILY_TICKETS.get(branch.code, profile.OTHER_BRANCH_DAILY_TICKETS)
            self.halls.append(
                Hall(
                    branch=branch,
                    desks=desks,
                    mean_per_day=mean * self.volume,
                    opens=minutes_of(branch.opens_at),
                    day_close=minutes_of(branch.day_close_at),
                    closes=minutes_of(branch.closes_at),
                    break_start=minutes_of(hall.break_starts_at) if hall and hall.break_starts_at else None,
                    break_end=minutes_of(hall.break_ends_at) if hall and hall.break_ends_at else None,
                )
            )
        if not self.halls:
            raise DomainError("没有可用的窗口和柜员，无法模拟。")
        self.casework = casework.Casework(self)
        self.oversight = oversight.Oversight(self)

    def _desks(self, branch: Branch) -> list[Desk]:
        """Each active window gets the first teller of the branch (by 工号) who can serve
        all its categories; the green-channel window stays open through lunch."""
        windows = list(Window.objects.filter(branch=branch, is_active=True).order_by("number"))
        staff = list(
            Staff.objects.filter(branch=branch, is_active=True).select_related("user").order_by("staff_no")
        )
        taken: set[int] = set()
        desks = []
        for window in windows:
            for person_ in staff:
                if person_.pk in taken or not window.categories:
                    continue
                if all(person_.can_serve(c) for c in window.categories):
                    taken.add(person_.pk)
                    desks.append(
                        Desk(
                            window=window,
                            staff=person_,
                            user=person_.user,
                            branch=branch,
                            categories=frozenset(window.categories),
                            on_duty=window.is_green_channel,
                        )
                    )
                    break
        if desks and not any(d.on_duty for d in desks):
            desks[-1].on_duty = True
        return desks

    def _ensure_teller_roles(self, branches: list[Branch]) -> None:
        """The demo's tellers without a login have no role; a teller accepts cases, which
        the cases services allow to the 柜员 role only. Give the role to the staff who
        serve at windows (recorded in the audit log, like any change of roles)."""
        group = Group.objects.filter(name=Role.TELLER.label).first()
        if group is None:
            return
        tellers = Staff.objects.filter(branch__in=branches, is_active=True).select_related("user")
        for staff in tellers.order_by("staff_no"):
            if (staff.is_universal_teller or staff.categories) and not staff.user.groups.exists():
                self._grant(staff, group, Role.TELLER, "在窗口办理业务")
        # 联办件 go to the business departments (归集处, 提取处) for their opinion, which
        # their department heads (处长) give; the demo gives them no role.
        head_group = Group.objects.filter(name=Role.HEAD.label).first()
        if head_group is None:
            return
        holders = Role.TELLER.label, Role.HEAD.label
        chiefs = Staff.objects.filter(is_active=True, rank=Rank.DIVISION_CHIEF, department__isnull=False)
        for staff in chiefs.select_related("user", "department").order_by("staff_no"):
            department = staff.department
            assert department is not None
            if department.code not in HANDOVER_DEPARTMENTS or staff.user.groups.exists():
                continue
            if Staff.objects.filter(department=department, user__groups__name__in=holders).exists():
                continue
            self._grant(staff, head_group, Role.HEAD, f"{department.name}负责人，反馈联办意见")

    def _grant(self, staff: Staff, group: Group, role: Role, why: str) -> None:
        staff.user.groups.add(group)
        audit_record(
            actor=SIM_ACTOR,
            action="org.staff.roles",
            obj=staff,
            summary=f"{staff.name}（工号 {staff.staff_no}）{why}，授予“{role.label}”角色",
            changes={"roles": [[], [role.value]]},
        )

    # ---------------------------------------------------------------------------------
    # The period

    def working_days(self) -> list[date]:
        days = []
        day = self.start
        while day <= self.end:
            if is_workday(day):  # CalendarNotPublished is checked by the command first
                days.append(day)
            day += timedelta(days=1)
        return days

    def run(self) -> Stats:
        days = self.working_days()
        with self.clock.installed():
            self.setup()
            week: tuple[int, int] | None = None
            week_tickets = 0
            for index, day in enumerate(days):
                iso = day.isocalendar()
                if week is not None and (iso[0], iso[1]) != week:
                    self._progress(week, week_tickets)
                    week_tickets = 0
                week = (iso[0], iso[1])
                before = self.stats.counts["tickets"]
                with transaction.atomic():
                    self._book_for(day)
                    self._simulate_day(day)
                week_tickets += self.stats.counts["tickets"] - before
                if index == len(days) - 1:
                    self._progress(week, week_tickets)
        return self.stats

    def _progress(self, week: tuple[int, int], tickets: int) -> None:
        if self.stdout is not None:
            monday = date.fromisocalendar(week[0], week[1], 1)
            self.stdout.write(
                f"  {monday:%Y-%m-%d} 起一周：取号 {tickets} 张，累计 {self.stats.counts['tickets']} 张"
            )

    # ---------------------------------------------------------------------------------
    # Appointments (booked days before, through the booking page's two steps)

    def _book_for(self, day: date) -> None:
        """The appointments of `day`, booked 1–6 days before through the booking page's
        two steps: appointment_code_request texts a code (read from the locmem SMS
        outbox, see _deliver_texts) and appointment_book uses it."""
        wanted: list[tuple[datetime, Branch, str, str, Person]] = []
        for hall in self.halls:
            params = queue_rules(day).params
            slots = queue_selectors.booking_slots(hall.branch, params)
            categories = sorted({c for d in hall.desks for c in d.categories})
            mean = hall.mean_per_day * profile.WEEKDAY_FACTORS[day.weekday()] * profile.APPOINTMENT_SHARE
            for _ in range(profile.poisson(self.rng, mean)):
                booked_on = day - timedelta(days=self.rng.randint(1, 6))
                moment = at(booked_on, self.rng.uniform(7 * 60, 22 * 60))
                category = profile.category(self.rng)
                if category not in categories or not slots:
                    continue
                slot = self.rng.choice(slots)
                wanted.append((moment, hall.branch, category, slot.key, person(self.rng, on=day)))
        if not wanted:
            return
        wanted.sort(key=lambda w: (w[0], w[1].code))
        sms.outbox.clear()
        challenges: list[tuple[datetime, int, str]] = []
        sent_from = len(connection.run_on_commit)
        for moment, branch, category, slot_key, who in wanted:
            self.clock.set(moment)
            challenge = self.attempt(
                "预约",
                partial(
                    queue.appointment_code_request,
                    branch=branch,
                    category=category,
                    service_date=day,
                    slot_start=slot_key,
                    name=who.name,
                    id_number=who.id_number,
                    mobile=who.mobile,
                    client_ip=None,
                ),
            )
            if challenge is not None:
                challenges.append((moment, challenge.pk, who.mobile))
        self._deliver_texts(sent_from)
        codes: dict[str, str] = {}
        for message in sms.outbox:
            found = BOOKING_CODE_RE.search(message.text)
            if message.purpose == "booking_code" and found:
                codes[message.to] = found.group(1)
        sms.outbox.clear()
        for moment, pk, mobile in challenges:
            self.clock.set(moment + timedelta(seconds=self.rng.randint(20, 90)))
            if mobile in codes:
                booked = self.attempt(
                    "预约", partial(queue.appointment_book, challenge_id=pk, code=codes[mobile])
                )
                if booked is not None:
                    self.stats.add("appointments")

    @staticmethod
    def _deliver_texts(start: int) -> None:
        """The services text after commit; the simulated citizen reads the booking code
        at once, inside the day's transaction. Run the texts queued since `start` now
        (to the locmem backend) and drop them from the commit queue, as Django's
        TestCase.captureOnCommitCallbacks(execute=True) does."""
        if not connection.in_atomic_block:
            return  # autocommit: they were sent already
        pending = connection.run_on_commit[start:]
        del connection.run_on_commit[start:]
        for entry in pending:
            entry[1]()  # (savepoint ids, callback, robust)

    # ---------------------------------------------------------------------------------
    # One day

    def _simulate_day(self, day: date) -> None:
        self.day = day
        self.now_minutes = 0.0
        self._heap = []
        for hall in self.halls:
            hall.waiting.clear()
        for minutes, seq, action in self.agenda.pop(day, []):
            heapq.heappush(self._heap, (minutes, seq, action))
        for hall in self.halls:
            self._plan_hall(hall, day)
        self.oversight.plan_day(day)
        self._run_heap()
        # After the day: the scheduled jobs, on the evening's clock, and the queue's
        # day end after midnight (it closes what is left of the days before).
        self.now_minutes = 18 * 60 + 30
        self.clock.set(self.moment())
        self.oversight.sweeps(day)
        self.clock.set(at(day + timedelta(days=1), 5))
        queue.queue_day_end(actor="queue_day_end")
        sms.outbox.clear()

    def _staffed(self, hall: Hall, day: date) -> list[Desk]:
        """The windows opened today, staffed for the expected load of the day's peak hour
        (profile.TARGET_OCCUPANCY): the duty (green-channel) window, then one window at
        a time for the category that lacks most capacity (a window serving n categories
        gives each 1/n), narrowest windows first; every category is served by at least one
        window. A teller on leave (TELLER_ABSENCE_SHARE) leaves a window closed."""
        rng = self.rng
        available = [d for d in hall.desks if d.on_duty or rng.random() >= profile.TELLER_ABSENCE_SHARE]
        opened = [d for d in available if d.on_duty]
        served = sorted({c for d in hall.desks for c in d.categories})
        peak = hall.mean_per_day * profile.WEEKDAY_FACTORS[day.weekday()] * profile.peak_hour_share()
        need = {
            c: peak
            * profile.CATEGORY_SHARES.get(c, 0.0)
            * profile.mean_service_minutes(c)
            / 60
            / profile.TARGET_OCCUPANCY
            for c in served
        }
        total = max(1, math.ceil(sum(need.values())))

        def lacking(category: str) -> float:
            return need[category] - sum(1 / len(d.categories) for d in opened if category in d.categories)

        def next_for(category: str) -> Desk | None:
            candidates = [d for d in available if category in d.categories and d not in opened]
            return min(candidates, key=lambda d: (len(d.categories), d.window.number), default=None)

        while len(opened) < total:
            open_for = [c for c in sorted(served, key=lambda c: (-lacking(c), c)) if next_for(c) is not None]
            if not open_for:
                break
            desk = next_for(open_for[0])
            assert desk is not None
            opened.append(desk)
        for category in served:
            if not any(category in d.categories for d in opened):
                desk = next_for(category)
                if desk is not None:
                    opened.append(desk)
        return sorted(opened, key=lambda d: d.window.number)

    def _plan_hall(self, hall: Hall, day: date) -> None:
        rng = self.rng
        for desk in hall.desks:
            desk.signed_in = desk.busy = desk.paused = desk.waking = False
            desk.pending_pause = None
            desk.ticket = desk.case = desk.visitor = None
        present = self._staffed(hall, day)
        for desk in present:
            self.schedule(hall.opens - rng.uniform(3, 15), partial(self._sign_in, desk))
            if hall.break_start is not None and hall.break_end is not None and not desk.on_duty:
                lunch = hall.break_end - hall.break_start
                self.schedule(hall.break_start, partial(self._ask_pause, desk, PauseReason.BREAK, lunch))
            if rng.random() < profile.PAUSE_SHARE:
                when = rng.uniform(hall.opens + 45, hall.day_close - 60)
                if hall.break_start is None or not (hall.break_start - 20 <= when <= (hall.break_end or 0)):
                    reason = rng.choice([PauseReason.CONSULT, PauseReason.AWAY, PauseReason.BREAK])
                    length = rng.uniform(*profile.PAUSE_MINUTES)
                    self.schedule(when, partial(self._ask_pause, desk, reason, length))
            self.schedule(hall.day_close + 0.5, partial(self._close_check, desk))
        # Appointments of the day that come (or not: 爽约, marked at the day end).
        appointments = list(
            Appointment.objects.filter(branch=hall.branch, service_date=day, status=AppointmentStatus.BOOKED)
            .select_related("branch")
            .order_by("slot_start", "pk")
        )
        for appointment in appointments:
            if rng.random() < profile.APPOINTMENT_NO_SHOW_SHARE:
                continue
            slot = minutes_of(appointment.slot_start)
            if rng.random() < profile.LATE_CHECKIN_SHARE:
                when = slot + rng.uniform(12, 40)
            else:
                when = max(slot - rng.uniform(2, 28), hall.opens + rng.uniform(0, 3))
            if when < hall.day_close:
                self.schedule(when, partial(self._check_in, hall, appointment))
        walk_ins = profile.arrivals_for_day(rng, hall.mean_per_day, day.weekday()) - len(appointments)
        day_start = minutes_of(time(8, 30))
        for _ in range(max(walk_ins, 0)):
            when = day_start + profile.arrival_minute(rng) + rng.random()
            if not (hall.opens <= when < hall.day_close):  # the doors open at opens_at
                continue
            category = profile.category(rng)
            if not any(category in d.categories for d in present):
                continue  # nobody serves it today: the guide sends them to another day
            priority = rng.choice(Priority.values) if rng.random() < profile.PRIORITY_SHARE else ""
            leaves = rng.random() < profile.CANCEL_SHARE
            self.schedule(when, partial(self._arrive, hall, category, priority, leaves))

    # ---------------------------------------------------------------------------------
    # Citizens

    def _arrive(self, hall: Hall, category: str, priority: str, leaves: bool) -> None:
        ticket = self.attempt(
            "取号",
            lambda: queue.ticket_take(
                actor=f"kiosk:{hall.branch.code}", branch=hall.branch, category=category, priority=priority
            ),
        )
        if ticket is None:
            return
        self.stats.add("tickets")
        hall.waiting[category] += 1
        self.visitors[ticket.pk] = person(self.rng, on=self.day)
        if leaves:
            self.schedule(self.now_minutes + self.rng.uniform(15, 50), partial(self._leave, hall, ticket))
        self._wake(hall, category)

    def _check_in(self, hall: Hall, appointment: Appointment) -> None:
        ticket = self.attempt(
            "预约签到",
            lambda: queue.ticket_check_in(actor=f"kiosk:{hall.branch.code}", appointment=appointment),
        )
        if ticket is None:
            return
        self.stats.add("tickets")
        self.stats.add("check_ins")
        hall.waiting[ticket.category] += 1
        self.visitors[ticket.pk] = Person(appointment.name, appointment.id_number, appointment.mobile)
        self._wake(hall, ticket.category)

    def _leave(self, hall: Hall, ticket: Ticket) -> None:
        still_waiting = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).exists()
        if still_waiting and self.attempt(
            "取消", lambda: queue.ticket_cancel(actor=SIM_ACTOR, ticket=ticket, note="等候时离开")
        ):
            self.stats.add("cancelled")
            hall.waiting[ticket.category] -= 1

    # ---------------------------------------------------------------------------------
    # Tellers

    def _wake(self, hall: Hall, category: str) -> None:
        """An idle teller who serves the category notices the new number. One is enough:
        a teller is idle only when nothing they serve is waiting. Specialist windows
        before the universal (green-channel) window, as a guide would send people."""
        idle = [d for d in hall.desks if category in d.categories and self._idle(d) and not d.waking]
        if not idle:
            return
        narrowest = min(len(d.categories) for d in idle)
        desk = self.rng.choice([d for d in idle if len(d.categories) == narrowest])
        desk.waking = True
        self.schedule(self.now_minutes + self.rng.uniform(0.1, 0.8), lambda: self._call(desk))

    @staticmethod
    def _idle(desk: Desk) -> bool:
        return desk.signed_in and not desk.busy and not desk.paused

    def _sign_in(self, desk: Desk) -> None:
        if self.attempt(
            "签到", lambda: queue.window_sign_in(actor=desk.user, staff=desk.staff, window=desk.window)
        ):
            desk.signed_in = True
            self.schedule(self.now_minutes + 0.5, lambda: self._call(desk))

    def _call(self, desk: Desk) -> None:
        desk.waking = False
        if not self._idle(desk):
            return
        if desk.pending_pause is not None:
            self._pause(desk)
            return
        hall = self._hall_of(desk)
        ticket = None
        if any(hall.waiting[c] > 0 for c in desk.categories):
            ticket = self.attempt(
                "叫号", lambda: queue.ticket_call_next(actor=desk.user, staff=desk.staff, window=desk.window)
            )
        if ticket is None:
            if self.now_minutes >= hall.day_close:
                self._sign_out(desk)
            return
        hall.waiting[ticket.category] -= 1
        desk.busy, desk.ticket = True, ticket
        desk.visitor = self.visitors.get(ticket.pk) or person(self.rng, on=self.day)
        self.stats.add("calls")
        rng, now = self.rng, self.now_minutes
        if rng.random() < profile.NO_SHOW_SHARE:
            self.schedule(now + 1.0, lambda: self._recall(desk))
            self.schedule(now + 2.0, lambda: self._recall(desk))
            self.schedule(now + 3.0, lambda: self._no_show(desk))
            return
        walk = rng.uniform(*profile.WALK_TO_WINDOW_MINUTES)
        if rng.random() < profile.RECALL_SHARE:
            self.schedule(now + 1.0, lambda: self._recall(desk))
            walk += 1.0
        self.schedule(now + walk, lambda: self._start(desk))

    def _recall(self, desk: Desk) -> None:
        if self.attempt(
            "重呼", lambda: queue.ticket_recall(actor=desk.user, staff=desk.staff, window=desk.window)
        ):
            self.stats.add("recalls")

    def _no_show(self, desk: Desk) -> None:
        if self.attempt(
            "过号", lambda: queue.ticket_no_show(actor=desk.user, staff=desk.staff, window=desk.window)
        ):
            self.stats.add("no_shows")
        self._free(desk, 0.3)

    def _start(self, desk: Desk) -> None:
        ticket = self.attempt(
            "开始办理", lambda: queue.ticket_start(actor=desk.user, staff=desk.staff, window=desk.window)
        )
        if ticket is None:
            self._free(desk, 0.3)
            return
        desk.ticket = ticket
        rng, now = self.rng, self.now_minutes
        duration = profile.service_minutes(rng, ticket.category)
        others = sorted({c for d in self._hall_of(desk).desks for c in d.categories} - {ticket.category})
        if others and rng.random() < profile.TRANSFER_SHARE:
            target = rng.choice(others)
            self.schedule(now + min(3.0, duration / 2), lambda: self._transfer(desk, target))
            return
        self.casework.during_service(desk, start=now, duration=duration)
        self.schedule(now + duration, lambda: self._complete(desk))

    def _transfer(self, desk: Desk, category: str) -> None:
        moved = self.attempt(
            "转移",
            lambda: queue.ticket_transfer(
                actor=desk.user,
                staff=desk.staff,
                window=desk.window,
                category=category,
                note="需另一类业务窗口办理",
            ),
        )
        if moved is not None:
            self.stats.add("transfers")
            hall = self._hall_of(desk)
            hall.waiting[category] += 1
            self._wake(hall, category)
        self._free(desk, 0.5)

    def _complete(self, desk: Desk) -> None:
        ticket = self.attempt(
            "办结", lambda: queue.ticket_complete(actor=desk.user, staff=desk.staff, window=desk.window)
        )
        if ticket is not None:
            self.stats.add("served")
            self.oversight.rate_at_counter(desk, ticket)
        self._free(desk, self.rng.uniform(0.2, 1.0))

    def _free(self, desk: Desk, after: float) -> None:
        desk.busy, desk.ticket, desk.case, desk.visitor = False, None, None, None
        desk.waking = True
        self.schedule(self.now_minutes + after, lambda: self._call(desk))

    def _ask_pause(self, desk: Desk, reason: str, minutes: float) -> None:
        if not desk.signed_in or desk.paused:
            return
        desk.pending_pause = (reason, minutes)
        if not desk.busy:
            self._pause(desk)

    def _pause(self, desk: Desk) -> None:
        assert desk.pending_pause is not None
        reason, minutes = desk.pending_pause
        desk.pending_pause = None
        hall = self._hall_of(desk)
        lunch = reason == PauseReason.BREAK and hall.break_start is not None and minutes > 30
        note = "午间休息" if lunch else PAUSE_NOTES.get(PauseReason(reason), "")
        if lunch and hall.break_end is not None:
            minutes = max(hall.break_end - self.now_minutes, 1.0)
        done = self.attempt(
            "暂停服务",
            lambda: queue.window_pause(
                actor=desk.user, staff=desk.staff, window=desk.window, reason=reason, note=note
            ),
        )
        if done is None:
            return
        desk.paused = True
        self.stats.add("pauses")
        self.schedule(self.now_minutes + minutes, lambda: self._resume(desk))

    def _resume(self, desk: Desk) -> None:
        if self.attempt(
            "恢复服务", lambda: queue.window_resume(actor=desk.user, staff=desk.staff, window=desk.window)
        ):
            desk.paused = False
            desk.waking = True
            self.schedule(self.now_minutes + 0.1, lambda: self._call(desk))

    def _close_check(self, desk: Desk) -> None:
        """At the day close (轧账) a teller with nobody left to call signs out."""
        if self._idle(desk) and not desk.waking:
            desk.waking = True
            self._call(desk)

    def _sign_out(self, desk: Desk) -> None:
        if self.attempt(
            "签退", lambda: queue.window_sign_out(actor=desk.user, staff=desk.staff, window=desk.window)
        ):
            desk.signed_in = False

    def _hall_of(self, desk: Desk) -> Hall:
        return next(h for h in self.halls if h.branch.pk == desk.branch.pk)
