"""The bulk generator: a year of a large centre for performance work (issue 9 ⑤).

    from reports.simulate.bulk import generate
    summary = generate(start=date(2025, 11, 21), end=date(2026, 11, 20), scale="large", seed=1,
                       stdout=sys.stdout)

"large" is about 3 million queue tickets a year in 23 halls (the demo centre's three and
twenty more county 管理部 with 10–20 windows each), 1 million cases, 2 million ratings,
with their appointments and no-shows, 12329 callbacks, 差评 follow-ups, complaints and
overdue cases with their findings. "small" is a thousandth of the volume, for tests.

How it is written, and why it differs from the services:

* Rows go straight into the tables — COPY on PostgreSQL, executemany on SQLite — one
  transaction per working day, so memory stays flat and an interrupted run resumes: a
  hall and day that already has a ticket counter (an earlier run, or the demo's own
  history) is skipped. The "large" scale refuses SQLite.
* It is a performance data set, so it does NOT write the per-row history the services
  write: no TicketEvent, CaseEvent, AppointmentEvent, CallbackEvent, FollowUpEvent or
  per-row audit events, no CaseMaterial rows, no printed documents or SMS. One audit
  record summarises the load. The figures the statistics read are on the rows
  themselves (taken/called/started/finished, received/accepted/decided/delivered,
  deadlines, overdue flags and findings, rated_on, reply_due …).
* Rating tokens are written only for the services that were rated (the services mint a
  counter and a QR token for every visit and an online token for every case); an unused
  token is not a figure of any statistic.
* Everything else is what the services would have written: status values and the
  allowed transitions' end states, taken ≤ called ≤ started ≤ finished, service_date =
  the local date of taken_at, ticket numbers gapless per queue and day (and the
  TicketCounter rows that say so), receipt and complaint numbers gapless per branch /
  day with their sequence rows, deadlines from workdays.calendar through
  cases.deadlines with the rule set in force (its ref stored), overdue flags exactly
  when a finding exists, ratings' level label and 差评 flag from the window-score rule
  set of the day.

The shape of the day (arrivals by weekday and half hour, categories, priority share,
service times, no-shows, rating levels …) is reports/simulate/profile.py. The queue is
simulated per hall and day: each ticket, in queue order, goes to the open window that
serves its category and is free first — so waits grow on Mondays and when fewer windows
are open than the load needs, as they do in a real hall.
"""

from __future__ import annotations

import math
import random
import sys
import time as stopwatch
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit.services import audit_record
from cases import deadlines
from cases.models import (
    Case,
    CaseSequence,
    CaseStatus,
    Escalation,
    Extension,
    Handover,
    OverdueFinding,
    SupplementRequest,
)
from catalog.models import Matter, MatterStatus, MatterVersion
from common import clock
from common.actors import actor_label
from complaints.models import Complaint, ComplaintSequence
from org.models import Branch, Category, Centre, Department, Rank, Role, Staff, Window
from org.services import roles_sync, staff_account_create
from queueing.models import (
    Appointment,
    Priority,
    Queue,
    Ticket,
    TicketCounter,
    TicketSource,
    TicketStatus,
    WindowEvent,
)
from ratings import conf as rating_conf
from ratings.models import FollowUp, HotlineCallback, Rating, RatingToken
from reports.simulate import profile
from reports.simulate.bulk_people import company_name, credit_code, mobile, person_name, resident_id, token
from reports.simulate.bulk_writer import Writer, writer_for_connection
from rules.models import RuleKind
from rules.selectors import rules_in_force
from workdays.calendar import CalendarNotPublished, calendar_index

ACTOR = "system:simulate-bulk"
C, W, L, OT = Category.COLLECTION, Category.WITHDRAWAL, Category.LOAN, Category.OTHER


@dataclass(frozen=True)
class Scale:
    tickets_per_year: int
    extra_branches: int
    windows: tuple[int, int]  # windows per new branch, inclusive range
    # The example proportions: 1 million cases and 2 million ratings to 3 million
    # tickets. profile.CASE_SHARE (0.65 of visits) is the demo hall's pattern; at these
    # proportions about a third of the tickets open a case.
    cases_per_ticket: float = 1 / 3
    case_rating_share: float = 0.05  # of decided cases, rated online afterwards (一事一评)
    online_case_share: float = 0.03  # of cases, applied for online or by mail (no ticket)


SCALES: dict[str, Scale] = {
    "large": Scale(tickets_per_year=3_000_000, extra_branches=20, windows=(10, 20)),
    "small": Scale(tickets_per_year=3_000, extra_branches=2, windows=(3, 4)),
}
NOMINAL_WORKDAYS_PER_YEAR = 250

# Twenty more halls of a large centre (邯郸's other districts and counties).
EXTRA_BRANCHES = [
    ("峰峰矿区管理部", "峰峰矿区"),
    ("磁县管理部", "磁县"),
    ("永年区管理部", "永年区"),
    ("肥乡区管理部", "肥乡区"),
    ("临漳县管理部", "临漳县"),
    ("成安县管理部", "成安县"),
    ("大名县管理部", "大名县"),
    ("魏县管理部", "魏县"),
    ("曲周县管理部", "曲周县"),
    ("馆陶县管理部", "馆陶县"),
    ("广平县管理部", "广平县"),
    ("鸡泽县管理部", "鸡泽县"),
    ("邱县管理部", "邱县"),
    ("邯山区服务网点", "邯山区"),
    ("复兴区服务网点", "复兴区"),
    ("经开区服务网点", "经济开发区"),
    ("冀南新区服务网点", "冀南新区"),
    ("丛台区第二服务网点", "丛台区"),
    ("东区服务大厅", "丛台区"),
    ("高新区服务网点", "高新区"),
]

CHANNEL_WEIGHTS = {
    "hotline": 35,
    "phone": 15,
    "visit": 15,
    "web": 20,
    "letter": 5,
    "email": 3,
    "office_transfer": 4,
    "hotline_transfer": 3,
}
CLASS_WEIGHTS = {"major": 5, "general": 70, "invalid": 25}
COMPLAINT_SUBJECTS = {
    "integrity": ("窗口人员索要好处", "办事要求请吃饭", "暗示收取费用"),
    "time_limit": ("提取业务超过承诺时限未办结", "贷款审批拖延", "补办件通知后迟迟未受理"),
    "irregular": ("要求提供清单以外的材料", "未一次性告知所需材料", "违规拒绝受理"),
    "service_rules": ("窗口人员态度生硬", "工作时间离岗无人", "排队叫号不按顺序", "窗口人员玩手机"),
}
BAD_COMMENTS = (
    "等了很久才叫到号。",
    "工作人员解释不清楚，让我来回跑。",
    "材料清单和网上说的不一样。",
    "态度不耐烦。",
    "办理太慢。",
)
REFUSAL = (
    "申请人不符合提取条件（未提供购房合同原件）",
    "《住房公积金管理条例》第二十四条；本中心提取管理办法",
)


@dataclass
class WindowInfo:
    id: int
    number: int
    categories: frozenset[str]
    green: bool
    staff_id: int
    user_id: int
    department_id: int | None
    label: str  # "姓名（工号）", as the services name the teller in the window's events


@dataclass
class BranchInfo:
    id: int
    code: str
    department_id: int | None
    windows: list[WindowInfo]
    queues: dict[str, tuple[int, str]]  # category → (queue id, letter)
    head_user_id: int
    guide_label: str
    opens: float  # minutes after midnight
    share: float = 0.0
    window_by_id: dict[int, WindowInfo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.window_by_id = {w.id: w for w in self.windows}


@dataclass
class MatterInfo:
    id: int
    category: str
    employer: bool
    version_id: int
    name: str
    handling_type: str
    promised_days: int


@dataclass
class Org:
    centre_id: int
    branches: list[BranchInfo]
    matters: dict[str, list[MatterInfo]]
    centre_departments: list[int]
    office_user_id: int
    office_staff_id: int
    leader_user_id: int


@dataclass
class DayRows:
    """Everything one working day writes, in dependency order."""

    tickets: list[dict[str, Any]] = field(default_factory=list)
    counters: list[dict[str, Any]] = field(default_factory=list)
    appointments: list[dict[str, Any]] = field(default_factory=list)
    window_events: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    case_sequences: list[dict[str, Any]] = field(default_factory=list)
    supplements: list[dict[str, Any]] = field(default_factory=list)
    extensions: list[dict[str, Any]] = field(default_factory=list)
    handovers: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    complaints: list[dict[str, Any]] = field(default_factory=list)
    complaint_sequence: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Entry point


def generate(
    *, start: date, end: date, scale: str = "small", seed: int = 1, stdout: TextIO | None = None
) -> dict[str, int]:
    """Write the working days of [start, end] (clamped to yesterday: a history cannot
    reach into today) and return how many rows of each kind were written."""
    out = stdout or sys.stdout
    if scale not in SCALES:
        raise CommandError(
            f"规模“{scale}”无效：应为 large（约300万排队号/年）或 small（千分之一，用于测试）。"
        )
    if start > end:
        raise CommandError("开始日期晚于结束日期，请检查 --start 和 --end。")
    if scale == "large" and connection.vendor != "postgresql":
        raise CommandError(
            "大规模数据集（约300万排队号、100万办件、200万评价）只能写入 PostgreSQL："
            "请设置 DATABASE_URL=postgres://… 后重试；SQLite 请使用 --scale small。"
        )
    yesterday = clock.today() - timedelta(days=1)
    if end > yesterday:
        out.write(f"结束日期 {end} 不早于今天，已截至 {yesterday}（模拟的是已经过去的历史）。\n")
        end = yesterday
    cal = calendar_index()
    try:
        days = [d for d in _dates(start, end) if cal.is_workday(d)]
    except CalendarNotPublished as exc:
        raise CommandError(
            f"{exc.year}年的节假日安排尚未发布，无法确定工作日：请先在工作日历中发布该年度。"
        ) from None

    spec = SCALES[scale]
    began = stopwatch.monotonic()
    org = _organisation(spec, seed=seed, out=out)
    writer = writer_for_connection()
    tz = ZoneInfo(settings.TIME_ZONE)
    as_of = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)
    ctx = _Context(org=org, spec=spec, seed=seed, cal=cal, tz=tz, as_of=as_of, end=end)
    per_day = spec.tickets_per_year / NOMINAL_WORKDAYS_PER_YEAR / _mean_weekday_factor()
    done = _days_done(days)
    total_rows = 0
    for i, day in enumerate(days, 1):
        with transaction.atomic():
            rows = _day(ctx, writer, day, per_day, skip=done.get(day, set()))
            total_rows += _write(writer, rows)
        if i % 10 == 0 or i == len(days):
            elapsed = stopwatch.monotonic() - began
            out.write(
                f"{day}：第 {i}/{len(days)} 个工作日，已写入 {total_rows:,} 行，"
                f"{elapsed:,.0f} 秒（{total_rows / max(elapsed, 0.001):,.0f} 行/秒）\n"
            )
            out.flush()
    out.write("更新统计信息（VACUUM ANALYZE）…\n")
    writer.finish()
    elapsed = stopwatch.monotonic() - began
    summary = dict.fromkeys(_SUMMARY_KEYS.values(), 0)
    summary.update({_SUMMARY_KEYS.get(k, k): v for k, v in writer.written.items()})
    summary["working_days"] = len(days)
    summary["seconds"] = round(elapsed)
    summary["rows_per_second"] = round(total_rows / max(elapsed, 0.001))
    audit_record(
        actor=ACTOR,
        action="reports.simulate.bulk",
        summary=(
            f"批量生成性能测试数据（{scale}，{start}–{end}，种子 {seed}）："
            f"排队号 {summary.get('tickets', 0):,}、办件 {summary.get('cases', 0):,}、"
            f"评价 {summary.get('ratings', 0):,}；不含逐条操作记录"
        ),
        changes={"scale": scale, "start": start.isoformat(), "end": end.isoformat(), "seed": seed, **summary},
    )
    out.write(f"完成：{total_rows:,} 行，{elapsed:,.0f} 秒，{summary['rows_per_second']:,} 行/秒。\n")
    return summary


_SUMMARY_KEYS = {
    "queueing.Ticket": "tickets",
    "queueing.TicketCounter": "ticket_counters",
    "queueing.Appointment": "appointments",
    "queueing.WindowEvent": "window_events",
    "cases.Case": "cases",
    "cases.CaseSequence": "case_sequences",
    "cases.SupplementRequest": "supplements",
    "cases.Extension": "extensions",
    "cases.Handover": "handovers",
    "cases.Escalation": "escalations",
    "cases.OverdueFinding": "overdue_findings",
    "ratings.RatingToken": "rating_tokens",
    "ratings.Rating": "ratings",
    "ratings.FollowUp": "follow_ups",
    "ratings.HotlineCallback": "callbacks",
    "complaints.Complaint": "complaints",
    "complaints.ComplaintSequence": "complaint_sequences",
}


def _dates(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def _mean_weekday_factor() -> float:
    return sum(profile.WEEKDAY_FACTORS[i] for i in range(5)) / 5


def _days_done(days: list[date]) -> dict[date, set[int]]:
    """Halls and days that already have tickets: skipped, so a run resumes and never
    mixes its numbers with the demo's own history."""
    if not days:
        return {}
    done: dict[date, set[int]] = {}
    rows = TicketCounter.objects.filter(service_date__range=(days[0], days[-1])).values_list(
        "service_date", "queue__branch_id"
    )
    for day, branch_id in rows:
        done.setdefault(day, set()).add(branch_id)
    return done


def _write(writer: Writer, rows: DayRows) -> int:
    n = 0
    n += writer.write(Ticket, rows.tickets)
    n += writer.write(TicketCounter, rows.counters)
    n += writer.write(Appointment, rows.appointments)
    n += writer.write(WindowEvent, rows.window_events)
    n += writer.write(Case, rows.cases)
    n += _upsert_case_sequences(writer, rows.case_sequences)
    n += writer.write(SupplementRequest, rows.supplements)
    n += writer.write(Extension, rows.extensions)
    n += writer.write(Handover, rows.handovers)
    n += writer.write(Escalation, rows.escalations)
    n += writer.write(OverdueFinding, rows.findings)
    n += writer.write(RatingToken, rows.tokens)
    n += writer.write(Rating, rows.ratings)
    n += writer.write(HotlineCallback, rows.callbacks)
    n += writer.write(FollowUp, rows.follow_ups)
    n += writer.write(Complaint, rows.complaints)
    for seq in rows.complaint_sequence:
        ComplaintSequence.objects.update_or_create(day=seq["day"], defaults={"last": seq["last"]})
        writer._count(ComplaintSequence, 1)
        n += 1
    return n


def _upsert_case_sequences(writer: Writer, rows: list[dict[str, Any]]) -> int:
    for seq in rows:
        CaseSequence.objects.update_or_create(
            branch_id=seq["branch_id"], day=seq["day"], defaults={"last": seq["last"]}
        )
        writer._count(CaseSequence, 1)
    return len(rows)


# ---------------------------------------------------------------------------------------
# The organisation


def _organisation(spec: Scale, *, seed: int, out: TextIO) -> Org:
    """The centre (the existing one, or a new one), its halls — the existing ones and
    `extra_branches` more, created once — and what the generator needs to know of them."""
    rng = random.Random(f"{seed}:org")
    with transaction.atomic():
        roles_sync()
        centre = Centre.objects.order_by("pk").first()
        if centre is None:
            centre = Centre.objects.create(
                code="HD", name="邯郸市住房公积金管理中心", complaint_phone="12329"
            )
        for i, (name, place) in enumerate(EXTRA_BRANCHES[: spec.extra_branches], 1):
            code = f"BK{i:02d}"
            if not Branch.objects.filter(code=code).exists():
                _branch_create(centre, code, name, place, rng.randint(*spec.windows), out=out)
        office = _centre_staff(
            centre, "BKYW", "业务管理处（批量数据）", Role.OFFICE, "bkoffice", "业务管理处科员"
        )
        leader = _centre_staff(centre, "BKLD", "中心领导（批量数据）", Role.LEADER, "bkleader", "分管副主任")
    branches = []
    for branch in Branch.objects.filter(centre=centre, is_active=True).order_by("code"):
        info = _branch_info(branch)
        if info is not None:
            branches.append(info)
    if not branches:
        raise CommandError("没有可用的管理部（需要窗口、柜员和四个业务队列）。")
    total = sum(len(b.windows) for b in branches)
    for b in branches:
        b.share = len(b.windows) / total
    matters: dict[str, list[MatterInfo]] = {c: [] for c in Category.values}
    versions = MatterVersion.objects.select_related("matter").filter(matter__status=MatterStatus.ACTIVE)
    latest: dict[int, MatterVersion] = {}
    for v in versions.order_by("matter_id", "number"):
        latest[v.matter_id] = v
    for v in latest.values():
        m: Matter = v.matter
        matters[m.category].append(
            MatterInfo(
                id=m.pk,
                category=m.category,
                employer=m.service_object == "employer",
                version_id=v.pk,
                name=v.name,
                handling_type=v.handling_type,
                promised_days=v.promised_days,
            )
        )
    for c in matters:
        matters[c].sort(key=lambda m: m.id)
    departments = list(
        Department.objects.filter(centre=centre, branch__isnull=True, is_active=True)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    return Org(
        centre_id=centre.pk,
        branches=branches,
        matters=matters,
        centre_departments=departments or [b.department_id for b in branches if b.department_id],
        office_user_id=office.user_id,
        office_staff_id=office.pk,
        leader_user_id=leader.user_id,
    )


def _branch_create(centre: Centre, code: str, name: str, place: str, windows: int, *, out: TextIO) -> None:
    # post_save of Branch sets up the hall (queues A–D, hall settings): queueing.apps.
    branch = Branch.objects.create(
        centre=centre,
        code=code,
        name=name,
        kind=Branch.Kind.COUNTY,
        address=f"{place}（示例地址）",
        hours_note="法定工作日 上午 8:30–12:00，下午 13:30–17:30",
    )
    department = Department.objects.create(centre=centre, code=f"{code}GL", name=name, branch=branch)
    for n in range(1, windows + 1):
        cats = _window_categories(n)
        Window.objects.create(
            branch=branch,
            number=n,
            name="综合业务窗口（绿色通道）"
            if n == 1
            else ("贷款业务窗口" if cats == [L] else "归集提取窗口"),
            categories=cats,
            is_green_channel=n == 1,
        )
    prefix = code.lower()
    people = random.Random(f"staff:{code}")
    for n in range(1, windows + 3):  # one teller per window and two to cover leave
        cats = _window_categories(n) if n <= windows else [C, W, L, OT]
        staff_account_create(
            actor=ACTOR,
            username=f"{prefix}-t{n:02d}",
            password=None,
            staff_no=f"{code}{n:03d}",
            name=person_name(people),
            roles=[Role.TELLER],
            rank=Rank.CLERK,
            title="综合柜员" if len(cats) == 4 else "柜员",
            branch=branch,
            department=department,
            categories=cats,
            is_universal_teller=len(cats) == 4,
        )
    staff_account_create(
        actor=ACTOR,
        username=f"{prefix}-head",
        password=None,
        staff_no=f"{code}900",
        name=person_name(people),
        roles=[Role.HEAD],
        rank=Rank.SECTION_CHIEF,
        title="管理部主任",
        branch=branch,
        department=department,
    )
    staff_account_create(
        actor=ACTOR,
        username=f"{prefix}-guide",
        password=None,
        staff_no=f"{code}901",
        name=person_name(people),
        roles=[Role.GUIDE],
        branch=branch,
        department=department,
        title="引导员",
    )
    out.write(f"新建管理部 {code} {name}：{windows} 个窗口，{windows + 4} 名工作人员\n")


def _window_categories(n: int) -> list[str]:
    """Window 1 is the universal green-channel window; window 2 takes 综合 too; of the
    rest two in five are loan windows — loans take about 40 % of the counter time."""
    if n == 1:
        return [C, W, L, OT]
    if n == 2:
        return [C, W, OT]
    return [L] if n % 5 in (0, 3) else [C, W]


def _centre_staff(
    centre: Centre, dept_code: str, dept_name: str, role: Role, username: str, title: str
) -> Staff:
    existing = Staff.objects.filter(user__username=username).first()
    if existing is not None:
        return existing
    department, _ = Department.objects.get_or_create(
        code=dept_code, defaults={"centre": centre, "name": dept_name}
    )
    return staff_account_create(
        actor=ACTOR,
        username=username,
        password=None,
        staff_no=dept_code,
        name=person_name(random.Random(username)),
        roles=[role],
        rank=Rank.SECTION_CHIEF,
        title=title,
        department=department,
    )


def _branch_info(branch: Branch) -> BranchInfo | None:
    queues = {q.category: (q.pk, q.letter) for q in Queue.objects.filter(branch=branch, is_active=True)}
    if set(queues) != set(Category.values):
        return None
    staff = list(
        Staff.objects.filter(branch=branch, is_active=True).select_related("user").order_by("staff_no")
    )
    # A teller holds the 柜员 role, or is set up for categories (the demo's county tellers
    # are records without a login).
    tellers = [
        s
        for s in staff
        if s.is_universal_teller or s.categories or s.user.groups.filter(name=Role.TELLER.label).exists()
    ]
    if not tellers:
        return None
    heads = [s for s in staff if s.user.groups.filter(name=Role.HEAD.label).exists()]
    guides = [s for s in staff if s.user.groups.filter(name=Role.GUIDE.label).exists()]
    windows: list[WindowInfo] = []
    used: set[int] = set()
    for w in Window.objects.filter(branch=branch, is_active=True).order_by("number"):
        cats = frozenset(w.categories or Category.values)
        fits = [t for t in tellers if t.is_universal_teller or cats <= set(t.categories or [])]
        free = [t for t in fits if t.pk not in used] or fits or tellers
        teller = free[0]
        used.add(teller.pk)
        windows.append(
            WindowInfo(
                w.pk,
                w.number,
                cats,
                w.is_green_channel,
                teller.pk,
                teller.user_id,
                teller.department_id,
                actor_label(teller.user),
            )
        )
    if not windows:
        return None
    opens = branch.opens_at.hour * 60 + branch.opens_at.minute
    return BranchInfo(
        id=branch.pk,
        code=branch.code,
        department_id=tellers[0].department_id,
        windows=windows,
        queues=queues,
        head_user_id=(heads[0] if heads else tellers[0]).user_id,
        guide_label=actor_label((guides[0] if guides else tellers[0]).user),
        opens=float(opens),
    )


# ---------------------------------------------------------------------------------------
# One working day


class _Codes:
    """Appointment codes (预约码, 8 digits, unique): the day's 4-digit stamp and a running
    number that continues after the largest code already given with that stamp."""

    def __init__(self) -> None:
        self.prefix = ""
        self.last = 0

    def start(self, day: date) -> None:
        self.prefix = f"{day.toordinal() % 10000:04d}"
        largest = (
            Appointment.objects.filter(code__startswith=self.prefix)
            .order_by("-code")
            .values_list("code", flat=True)
            .first()
        )
        self.last = int(largest[4:]) if largest and largest[4:].isdigit() else 0

    def next(self) -> str:
        self.last += 1
        if self.last > 9999:
            raise CommandError("一天的预约超过9999个，预约码不够用。")
        return f"{self.prefix}{self.last:04d}"


@dataclass
class _Context:
    org: Org
    spec: Scale
    seed: int
    cal: Any
    tz: ZoneInfo
    as_of: datetime
    end: date
    codes: _Codes = field(default_factory=lambda: _Codes())
    _rules: dict[tuple[str, date], Any] = field(default_factory=dict)
    _password: str = ""

    def rules(self, kind: str, on: date) -> Any:
        key = (kind, on)
        if key not in self._rules:
            self._rules[key] = rules_in_force(RuleKind(kind), on)
        return self._rules[key]

    @property
    def password_hash(self) -> str:
        # Nobody can query a generated case or complaint: an unusable hash, made once.
        if not self._password:
            self._password = make_password(None)
        return self._password


def _day(ctx: _Context, writer: Writer, day: date, per_day: float, *, skip: set[int]) -> DayRows:
    rows = DayRows()
    writer_ids = writer.ids
    ctx.codes.start(day)
    served: list[tuple[dict[str, Any], BranchInfo]] = []
    for branch in ctx.org.branches:
        if branch.id in skip:
            continue
        rng = random.Random(f"{ctx.seed}:{day.isoformat()}:{branch.code}")
        served.extend(_hall_day(ctx, rows, rng, branch, day, per_day * branch.share))
    _assign(writer_ids, Ticket, rows.tickets)
    for a in rows.appointments:
        ticket = a.pop("_ticket", None)
        a["ticket_id"] = ticket["id"] if ticket is not None else None
    _assign(writer_ids, Appointment, rows.appointments)
    _assign(writer_ids, WindowEvent, rows.window_events)
    rng = random.Random(f"{ctx.seed}:{day.isoformat()}:after")
    _cases(ctx, rows, rng, day, served, writer_ids)
    _ratings(ctx, rows, rng, day, served, writer_ids)
    _complaints(ctx, rows, rng, day, served, writer_ids)
    return rows


def _assign(ids: Callable[[Any, int], list[int]], model: Any, rows: list[dict[str, Any]]) -> None:
    for row, pk in zip(rows, ids(model, len(rows)), strict=True):
        row["id"] = pk


def _at(ctx: _Context, day: date, minutes: float) -> datetime:
    """The local moment `minutes` after midnight of `day`, to the second."""
    return datetime.combine(day, time(0), tzinfo=ctx.tz) + timedelta(seconds=round(minutes * 60))


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


# ---------------------------------------------------------------------------------------
# Cases


def _cases(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    day: date,
    served: list[tuple[dict[str, Any], BranchInfo]],
    ids: Callable[[Any, int], list[int]],
) -> None:
    spec = ctx.spec
    p_case = min(1.0, spec.cases_per_ticket / (1 - profile.NO_SHOW_SHARE - profile.CANCEL_SHARE))
    sequences: dict[int, int] = {}
    for b in ctx.org.branches:
        sequences[b.id] = 0
    existing = dict(CaseSequence.objects.filter(day=day).values_list("branch_id", "last"))
    sequences.update(existing)
    plans: list[tuple[dict[str, Any], BranchInfo, dict[str, Any] | None]] = []
    for t, branch in served:
        if t["category"] == OT and rng.random() < 0.7:  # 综合 is mostly consultation
            continue
        if rng.random() >= p_case:
            continue
        plans.append((t, branch, None))
    # Cases applied for by mail or online: no ticket, registered by a teller during the day.
    open_today = {b.id for _, b, _ in plans}
    for _ in range(profile.poisson(rng, len(plans) * spec.online_case_share)):
        branch = rng.choice(ctx.org.branches)
        if branch.id not in open_today:
            continue
        plans.append(({}, branch, {"channel": rng.choice(("mail", "online"))}))
    params_rules = ctx.rules(RuleKind.CASE_TIME_LIMIT, day)
    p = params_rules.params
    for t, branch, extra in plans:
        category = t.get("category") or rng.choice((C, W, L))
        matter = rng.choice(ctx.org.matters[category] or ctx.org.matters[W])
        if t:
            window = branch.window_by_id[t["window_id"]]
            received = t["_started"] + rng.uniform(0.5, 2.0)
        else:
            window = rng.choice(branch.windows)
            received = rng.uniform(9 * 60, 16.5 * 60)
        sequences[branch.id] += 1
        receipt_no = f"{branch.code}-{day:%Y%m%d}-{sequences[branch.id]:04d}"
        employer = matter.employer
        received_at = _at(ctx, day, received)
        case: dict[str, Any] = {
            "receipt_no": receipt_no,
            "idempotency_key": uuid.UUID(int=rng.getrandbits(128), version=4),
            "branch_id": branch.id,
            "department_id": window.department_id,
            "window_id": window.id if t else None,
            "ticket_id": t.get("id"),
            "channel": (extra or {}).get("channel", "counter"),
            "matter_id": matter.id,
            "version_id": matter.version_id,
            "handling_type": matter.handling_type,
            "promised_days": matter.promised_days,
            "applicant_kind": "employer" if employer else "person",
            "applicant_name": company_name(rng) if employer else person_name(rng),
            "applicant_id_number": "" if employer else resident_id(rng, on=day),
            "applicant_credit_code": credit_code(rng) if employer else "",
            "applicant_phone": mobile(rng),
            "agent_name": person_name(rng) if employer else "",
            "agent_id_number": resident_id(rng, on=day) if employer else "",
            "agent_phone": mobile(rng) if employer else "",
            "received_at": received_at,
            "received_on": day,
            "first_responsible_id": window.staff_id,
            "registered_by_id": window.user_id,
            "query_password_hash": ctx.password_hash,
            "created_at": received_at,
            "delivery_method": rng.choices(("pickup", "mail", "electronic"), (75, 10, 15))[0],
            "_category": category,
            "_matter": matter,
            "_window": window,
            "_branch": branch,
        }
        if case["delivery_method"] == "mail":
            case["delivery_address"] = "邯郸市丛台区（示例地址）"
        rows.cases.append(case)
    _assign(ids, Case, rows.cases)
    for b_id, last in sequences.items():
        if last:
            rows.case_sequences.append({"branch_id": b_id, "day": day, "last": last})
    for case in rows.cases:
        _case_life(ctx, rows, rng, day, case, p, params_rules.ref)


def _later_workday(ctx: _Context, start: date, n: int) -> date:
    """The n-th working day after `start`; past the published calendar, a day after the
    period, so that what would happen then has not happened yet."""
    try:
        return ctx.cal.add_workdays(start, n)  # type: ignore[no-any-return]
    except CalendarNotPublished:
        return ctx.end + timedelta(days=400)


def _workday_between(ctx: _Context, rng: random.Random, after: date, last: date) -> date:
    """A working day d with after < d ≤ last (or `last` itself when there is none)."""
    n = ctx.cal.workdays_between(after, last)
    return ctx.cal.add_workdays(after, rng.randint(1, n)) if n >= 1 else last


def _case_life(
    ctx: _Context, rows: DayRows, rng: random.Random, day: date, case: dict[str, Any], p: Any, ref: str
) -> None:
    """Acceptance, the deadline, supplement / rejection / handover / escalation /
    extension, the decision and its delivery — as of the end of the period."""
    cal, as_of = ctx.cal, ctx.as_of
    window: WindowInfo = case["_window"]
    received_at: datetime = case["received_at"]
    user = window.user_id
    r = rng.random()
    if r < profile.REJECT_SHARE:
        case.update(
            status=CaseStatus.REJECTED,
            rejected_at=received_at + timedelta(minutes=rng.uniform(3, 15)),
            rejection_reason=REFUSAL[0],
            rejection_basis=REFUSAL[1],
        )
        return
    accepted_at, after_supplement = received_at, False
    if r < profile.REJECT_SHARE + profile.SUPPLEMENT_SHARE:
        completed_on = _later_workday(ctx, day, rng.randint(1, 4))
        completed_at = _at(ctx, completed_on, rng.uniform(9 * 60, 16.5 * 60))
        supplement = {
            "case_id": case["id"],
            "number": f"{case['receipt_no']}-B",
            "issued_at": received_at + timedelta(minutes=rng.uniform(3, 10)),
            "issued_by_id": user,
        }
        rows.supplements.append(supplement)
        if completed_at >= as_of:
            supplement["status"] = "open"
            case["status"] = CaseStatus.SUPPLEMENT
            return
        supplement.update(status="completed", completed_at=completed_at)
        accepted_at, after_supplement = completed_at, True
    accepted_on = clock.local_date(accepted_at)
    case.update(rules_ref=ref, accepted_at=accepted_at, accepted_on=accepted_on)
    offset = p.supplement_start_offset_days if after_supplement else p.receipt_start_offset_days
    try:
        deadline = deadlines.case_deadline(
            cal,
            accepted_on=accepted_on,
            promised_days=case["promised_days"],
            start_offset=offset,
            immediate_offset=p.immediate_due_offset_days,
        )
    except CalendarNotPublished as exc:
        case.update(status=CaseStatus.ACCEPTED, deadline_pending=True, pending_year=exc.year)
        return
    case.update(promised_deadline=deadline, deadline=deadline)
    immediate = case["promised_days"] == 0
    late = not immediate and rng.random() < profile.OVERDUE_SHARE
    no_reply = late and rng.random() < 0.2
    late = late and not no_reply
    if immediate:
        decided_at = accepted_at + timedelta(minutes=rng.uniform(2, 12))
    else:
        if (
            case["handling_type"] != "immediate"
            and rng.random() < profile.EXTENSION_SHARE
            and not (late or no_reply)
        ):
            deadline = _extension(ctx, rows, rng, case, accepted_on, deadline)
        decided_on = (
            _later_workday(ctx, deadline, rng.randint(1, 3))
            if late
            else _workday_between(ctx, rng, accepted_on, deadline)
        )
        decided_at = _at(ctx, decided_on, rng.uniform(8.75 * 60, 17.25 * 60))
        if decided_at <= accepted_at:
            decided_at = accepted_at + timedelta(minutes=rng.uniform(30, 120))
    running: str = CaseStatus.ACCEPTED
    if case["handling_type"] == "joint":
        running = _handover(ctx, rows, rng, case, accepted_at, decided_at, user)
    elif case["handling_type"] == "escalated":
        running = _escalation(ctx, rows, rng, case, accepted_at, decided_at, user, p, ref)
    found_at = _at(ctx, case["deadline"] + timedelta(days=1), 30)  # the nightly cases_sweep
    if decided_at >= as_of:
        case["status"] = running
        if case["deadline"] <= ctx.end and found_at < as_of:  # the deadline's day has ended
            _finding(rows, ctx, case, deadlines.LATE, found_at, p)
        return
    outcome = "approved" if rng.random() > 0.03 else "refused"
    if immediate:
        notified_at, method = decided_at, "in_person"
    elif no_reply:
        told_on = _later_workday(ctx, case["deadline"], rng.randint(1, 2))
        notified_at, method = _at(ctx, told_on, rng.uniform(9 * 60, 16 * 60)), "phone"
    else:
        notified_at = min(decided_at + timedelta(minutes=rng.uniform(5, 180)), _end_of(ctx, decided_at))
        method = rng.choice(("sms", "phone"))
    if case["delivery_method"] == "pickup" and not immediate:
        delivered_at = notified_at + timedelta(days=rng.randint(0, 3), minutes=rng.uniform(30, 240))
    else:
        delivered_at = notified_at + timedelta(minutes=rng.uniform(1, 30))
    case.update(
        outcome=outcome,
        result="准予办理，已办结。" if outcome == "approved" else "",
        refusal_reason="不符合《住房公积金管理条例》规定的条件。" if outcome == "refused" else "",
        transaction_no=f"YW{rng.randrange(10**14):014d}" if outcome == "approved" else "",
        decided_at=decided_at,
        decided_by_id=user,
        notified_at=notified_at if notified_at < as_of else None,
        notify_method=method if notified_at < as_of else "",
    )
    if delivered_at < as_of and notified_at < as_of:
        case.update(status=CaseStatus.DELIVERED, delivered_at=delivered_at, delivery_note="申请人本人领取")
    else:
        case["status"] = CaseStatus.COMPLETED
    if late and found_at < as_of:
        _finding(rows, ctx, case, deadlines.LATE, found_at, p)
    if no_reply and found_at < as_of:
        _finding(rows, ctx, case, deadlines.NO_REPLY, found_at, p)


def _end_of(ctx: _Context, moment: datetime) -> datetime:
    local = moment.astimezone(ctx.tz)
    return datetime.combine(local.date(), time(17, 30), tzinfo=ctx.tz) if local.hour < 17 else moment


def _finding(rows: DayRows, ctx: _Context, case: dict[str, Any], code: str, at: datetime, p: Any) -> None:
    text = next((c.text for c in p.overdue_conditions if c.code == code), code)
    rows.findings.append(
        {
            "case_id": case["id"],
            "code": code,
            "text": text,
            "found_at": at,
            "found_by": "cases_sweep",
            "deadline": case["deadline"],
            "rules_ref": case.get("rules_ref", ""),
        }
    )
    case["overdue"] = True


def _extension(
    ctx: _Context, rows: DayRows, rng: random.Random, case: dict[str, Any], accepted_on: date, deadline: date
) -> date:
    """An extension asked in time and approved (000 §五(二)4): the deadline moves."""
    try:
        granted = ctx.cal.add_workdays(deadline, max(3, case["promised_days"]))
    except CalendarNotPublished:
        return deadline
    asked_on = _workday_between(ctx, rng, accepted_on, deadline)
    asked = _at(ctx, asked_on, rng.uniform(9 * 60, 11 * 60))
    branch: BranchInfo = case["_branch"]
    window: WindowInfo = case["_window"]
    rows.extensions.append(
        {
            "case_id": case["id"],
            "number": 1,
            "status": "approved",
            "reason": "需调取申请人在异地的缴存和贷款信息，外地中心尚未回函。",
            "original_deadline": deadline,
            "requested_deadline": granted,
            "granted_deadline": granted,
            "explained_to_applicant": True,
            "explained_note": "已电话向申请人说明延期原因",
            "requested_at": asked,
            "requested_by_id": window.user_id,
            "head_opinion": "同意延期。",
            "head_by_id": branch.head_user_id,
            "head_at": asked + timedelta(hours=2),
            "leader_opinion": "同意。",
            "leader_by_id": ctx.org.leader_user_id,
            "leader_at": asked + timedelta(hours=4),
        }
    )
    case["deadline"] = granted
    return granted


def _handover(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    case: dict[str, Any],
    accepted_at: datetime,
    decided_at: datetime,
    user: int,
) -> str:
    """联办件: handed to a department involved, answered before the decision."""
    registered = accepted_at + timedelta(minutes=rng.uniform(20, 90))
    on = clock.local_date(registered)
    limit = max(1, case["promised_days"] - 1)
    try:
        due = ctx.cal.add_workdays_from_handover(on, limit)
    except CalendarNotPublished:
        due = None
    answered = max(registered + timedelta(minutes=30), decided_at - timedelta(hours=rng.uniform(1, 4)))
    departments = [
        d for d in ctx.org.centre_departments if d != case["department_id"]
    ] or ctx.org.centre_departments
    row = {
        "case_id": case["id"],
        "department_id": rng.choice(departments),
        "registered_at": registered,
        "registered_on": on,
        "registered_by_id": user,
        "limit_days": limit,
        "due_on": due,
        "due_pending": due is None,
        "note": "请在时限内提出审批意见。",
    }
    rows.handovers.append(row)
    if answered < ctx.as_of:
        row.update(
            status="answered",
            opinion="经核实，同意办理。",
            answered_at=answered,
            answered_by_id=ctx.org.office_user_id,
        )
        return CaseStatus.ACCEPTED
    row["status"] = "open"
    return CaseStatus.JOINT


def _escalation(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    case: dict[str, Any],
    accepted_at: datetime,
    decided_at: datetime,
    user: int,
    p: Any,
    ref: str,
) -> str:
    """上报件: forwarded to the higher authority, its reply before the decision."""
    forwarded = accepted_at + timedelta(minutes=rng.uniform(30, 120))
    on = clock.local_date(forwarded)
    explain_after = deadlines.escalation_explain_due(
        ctx.cal, on, p.escalated_explain_after_days, p.escalated_day_unit, p.escalated_start_offset_days
    )
    replied = max(forwarded + timedelta(hours=1), decided_at - timedelta(hours=rng.uniform(1, 4)))
    row = {
        "case_id": case["id"],
        "authority": "住房公积金管理委员会",
        "forwarded_at": forwarded,
        "forwarded_on": on,
        "forwarded_by_id": user,
        "note": "已审核，报管委会审批。",
        "explain_after": explain_after,
        "rules_ref": ref,
    }
    rows.escalations.append(row)
    if replied < ctx.as_of:
        row.update(status="replied", replied_at=replied, reply_note="管委会批复：同意。")
        return CaseStatus.ACCEPTED
    row["status"] = "forwarded"
    return CaseStatus.ESCALATED


# ---------------------------------------------------------------------------------------
# Ratings, follow-ups and 12329 callbacks


def _ratings(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    day: date,
    served: list[tuple[dict[str, Any], BranchInfo]],
    ids: Callable[[Any, int], list[int]],
) -> None:
    score = ctx.rules(RuleKind.WINDOW_SCORE, day)
    levels = {lv.level: lv for lv in score.params.levels}
    hotline = ctx.rules(RuleKind.HOTLINE_CALLBACK, day)
    case_of_ticket = {c["ticket_id"]: c for c in rows.cases if c.get("ticket_id")}
    evaluator = timedelta(seconds=rating_conf.evaluator_timeout_seconds())
    qr_days = timedelta(days=rating_conf.qr_days())
    pending: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (token, rating)
    for t, branch in served:
        case = case_of_ticket.get(t["id"])
        window = branch.window_by_id[t["window_id"]]
        number = f"{branch.code}-{day:%Y%m%d}-{t['display_number']}"
        if rng.random() < profile.RATING_SHARE:
            counter = rng.random() < 0.88
            finished: datetime = t["finished_at"]
            rated = finished + (
                timedelta(seconds=rng.uniform(4, 40)) if counter else timedelta(minutes=rng.uniform(2, 600))
            )
            tok = {
                "token": token(rng),
                "channel": "counter" if counter else "qr",
                "service_kind": "visit",
                "ticket_id": t["id"],
                "branch_id": branch.id,
                "window_id": window.id,
                "created_at": finished,
                "expires_at": finished + (evaluator if counter else qr_days),
            }
            if rated < tok["expires_at"] and rated < ctx.as_of:
                rating = _rating(ctx, rng, levels, score.ref, tok, rated)
                rating.update(
                    ticket_id=t["id"],
                    staff_id=window.staff_id,
                    department_id=window.department_id,
                    matter_id=case["matter_id"] if case else None,
                    matter_name=case["_matter"].name if case else "",
                    category=t["category"],
                    service_number=number,
                    accepted_at=t["started_at"],
                    completed_at=finished,
                    rater_type="person",
                )
                pending.append((tok, rating))
        if case is None and t["category"] in hotline.params.categories:
            _callback(
                ctx,
                rows,
                rng,
                hotline.ref,
                service_kind="visit",
                ticket_id=t["id"],
                branch_id=branch.id,
                window_id=window.id,
                staff_id=window.staff_id,
                category=t["category"],
                service_number=number,
                finished=t["finished_at"],
            )
    for case in rows.cases:
        if not case.get("decided_at") or case.get("outcome") is None:
            continue
        category = case["_category"]
        decided: datetime = case["decided_at"]
        branch = case["_branch"]
        window = case["_window"]
        if category in hotline.params.categories:
            _callback(
                ctx,
                rows,
                rng,
                hotline.ref,
                service_kind="case",
                case_id=case["id"],
                branch_id=branch.id,
                window_id=case["window_id"],
                staff_id=case["first_responsible_id"],
                matter_id=case["matter_id"],
                matter_name=case["_matter"].name,
                category=category,
                service_number=case["receipt_no"],
                citizen_name=case["agent_name"] or case["applicant_name"],
                phone=case["agent_phone"] or case["applicant_phone"],
                finished=decided,
            )
        if rng.random() < ctx.spec.case_rating_share:
            rated = decided + timedelta(minutes=rng.uniform(30, 3 * 24 * 60))
            tok = {
                "token": token(rng),
                "channel": "online",
                "service_kind": "case",
                "case_id": case["id"],
                "branch_id": branch.id,
                "window_id": case["window_id"],
                "created_at": decided,
                "expires_at": decided + qr_days,
            }
            if rated < ctx.as_of:
                rating = _rating(
                    ctx, rng, levels, ctx.rules(RuleKind.WINDOW_SCORE, _local(ctx, rated)).ref, tok, rated
                )
                rating.update(
                    case_id=case["id"],
                    staff_id=case["first_responsible_id"],
                    department_id=case["department_id"],
                    matter_id=case["matter_id"],
                    matter_name=case["_matter"].name,
                    category=category,
                    service_number=case["receipt_no"],
                    accepted_at=case["accepted_at"] or case["received_at"],
                    completed_at=decided,
                    rater_type="employer" if case["applicant_kind"] == "employer" else "person",
                )
                pending.append((tok, rating))
    _assign(ids, RatingToken, [tok for tok, _ in pending])
    rows.tokens.extend(tok for tok, _ in pending)
    for tok, rating in pending:
        rating["token_id"] = tok["id"]
        rating.setdefault("window_id", tok["window_id"])
    ratings = [r for _, r in pending]
    _assign(ids, Rating, ratings)
    rows.ratings.extend(ratings)
    _assign(ids, HotlineCallback, rows.callbacks)
    for rating in ratings:
        if rating["is_bad"]:
            _follow_up(ctx, rows, rng, rating=rating)
    for cb in rows.callbacks:
        if "dissatisfied" in (cb.get("attitude"), cb.get("efficiency")) or cb.get("ran_back"):
            _follow_up(ctx, rows, rng, callback=cb)


def _local(ctx: _Context, moment: datetime) -> date:
    return moment.astimezone(ctx.tz).date()


def _rating(
    ctx: _Context, rng: random.Random, levels: dict[int, Any], ref: str, tok: dict[str, Any], rated: datetime
) -> dict[str, Any]:
    level = profile.rating_level(rng)
    row = levels[level]
    reasons: list[str] = []
    comment = ""
    if row.bad:
        reasons = rng.sample(["attitude", "efficiency", "ran_back"], rng.randint(1, 2))
        comment = rng.choice(BAD_COMMENTS)
    return {
        "service_kind": tok["service_kind"],
        "channel": tok["channel"],
        "level": level,
        "level_label": row.label,
        "is_bad": row.bad,
        "reasons": reasons,
        "comment": comment,
        "contact_phone": mobile(rng) if row.bad and rng.random() < 0.6 else "",
        "branch_id": tok["branch_id"],
        "window_id": tok["window_id"],
        "rated_at": rated,
        "rated_on": _local(ctx, rated),
        "rules_ref": ref,
    }


def _callback(
    ctx: _Context, rows: DayRows, rng: random.Random, ref: str, *, finished: datetime, **fields: Any
) -> None:
    """A 12329 callback (004 §五 一), worked by the hotline some days after the service."""
    row: dict[str, Any] = {
        **fields,
        "service_completed_at": finished,
        "service_on": _local(ctx, finished),
        "rules_ref": ref,
        "created_at": finished,
    }
    row.setdefault("phone", "")
    called = finished + timedelta(days=rng.randint(1, 5), minutes=rng.uniform(0, 480))
    r = rng.random()
    if called >= ctx.as_of or r < 0.02:
        row.update(status="pending", attempts=0)
    elif r < 0.09:
        row.update(status="unreachable", attempts=3)
    elif r < 0.12:
        row.update(status="refused", attempts=1, answered_at=called, operator_id=ctx.org.office_user_id)
    else:
        levels = ("very_satisfied", "satisfied", "dissatisfied")
        attitude = rng.choices(levels, (80, 17, 3))[0]
        efficiency = rng.choices(levels, (76, 20, 4))[0]
        row.update(
            status="completed",
            attempts=rng.randint(1, 2),
            attitude=attitude,
            efficiency=efficiency,
            ran_back=rng.random() < 0.02,
            favours=False,
            dissatisfied_reason="办理时间过长，来回跑了两次。"
            if "dissatisfied" in (attitude, efficiency)
            else "",
            answered_at=called,
            operator_id=ctx.org.office_user_id,
        )
    rows.callbacks.append(row)


def _follow_up(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    *,
    rating: dict[str, Any] | None = None,
    callback: dict[str, Any] | None = None,
) -> None:
    """The follow-up a bad rating or an unsatisfied callback opens (rating_followup rule set)."""
    source = rating or callback
    assert source is not None
    at: datetime = source["rated_at"] if rating else source["answered_at"]
    opened_on = _local(ctx, at)
    rules = ctx.rules(RuleKind.RATING_FOLLOWUP, opened_on)
    try:
        contact_due = ctx.cal.add_workdays(opened_on, rules.params.contact_working_days)
        rectify_due = ctx.cal.add_workdays(opened_on, rules.params.rectify_working_days)
        pending_year = None
    except CalendarNotPublished as exc:
        contact_due = rectify_due = None
        pending_year = exc.year
    if rating:
        labels = {"attitude": "服务态度差", "efficiency": "办事效率低", "ran_back": "跑回头路（多次跑）"}
        problem = "、".join([rating["level_label"], *(labels[r] for r in rating["reasons"])])
        if rating["comment"]:
            problem += f"：{rating['comment']}"
    else:
        problem = "12329回访不满意：" + (source.get("dissatisfied_reason") or "跑回头路")
    row: dict[str, Any] = {
        "rating_id": rating["id"] if rating else None,
        "callback_id": callback["id"] if callback else None,
        "branch_id": source["branch_id"],
        "staff_id": source.get("staff_id"),
        "window_id": source.get("window_id"),
        "opened_on": opened_on,
        "problem": problem[:300],
        "contact_due": contact_due,
        "rectify_due": rectify_due,
        "due_pending_year": pending_year,
        "rules_ref": rules.ref,
        "created_at": at,
        "status": "open",
    }
    contacted = at + timedelta(hours=rng.uniform(2, 40))
    rectified = contacted + timedelta(days=rng.uniform(1, 6))
    closed = rectified + timedelta(days=rng.uniform(1, 4))
    if contacted < ctx.as_of:
        row.update(
            status="contacted",
            contacted_at=contacted,
            contact_method=rng.choice(("phone", "sms", "in_person")),
            contact_note="已联系评价人，了解具体情况。",
            verdict=rng.choices(("substantiated", "partly", "unfounded"), (45, 30, 25))[0],
            finding="经调取监控和业务记录核实。",
        )
        if rectified < ctx.as_of:
            row.update(
                status="rectified",
                rectification="对窗口人员进行批评教育，优化材料告知。",
                rectified_at=rectified,
            )
            row["public_summary"] = "已核实并整改。"
            if closed < ctx.as_of:
                row.update(
                    status="closed",
                    satisfaction=rng.choices(("satisfied", "basic", "dissatisfied"), (70, 22, 8))[0],
                    satisfaction_note="回访评价人。",
                    closed_at=closed,
                )
    rows.follow_ups.append(row)


# ---------------------------------------------------------------------------------------
# Complaints


def _complaints(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    day: date,
    served: list[tuple[dict[str, Any], BranchInfo]],
    ids: Callable[[Any, int], list[int]],
) -> None:
    """投诉 of 000 §五(四): about 1.5 per 1000 tickets, every channel, every class, each in
    the state its age gives it (received … archived), reply limits from the rule set."""
    n = profile.poisson(rng, len(rows.tickets) * profile.COMPLAINTS_PER_THOUSAND_TICKETS / 1000)
    if n == 0 or not served:
        return
    rules = ctx.rules(RuleKind.COMPLAINT, day)
    params = rules.params
    scope_codes = [s.code for s in params.scope]
    seq = ComplaintSequence.objects.filter(day=day).values_list("last", flat=True).first() or 0
    cal, as_of = ctx.cal, ctx.as_of
    for _ in range(n):
        t, branch = rng.choice(served)
        window = branch.window_by_id[t["window_id"]]
        seq += 1
        channel = rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
        klass = rng.choices(list(CLASS_WEIGHTS), list(CLASS_WEIGHTS.values()))[0]
        scope = rng.choice(scope_codes)
        subject = rng.choice(COMPLAINT_SUBJECTS.get(scope, COMPLAINT_SUBJECTS["service_rules"]))
        anonymous = channel == "web" and rng.random() < 0.2
        received = max(t["finished_at"], _at(ctx, day, rng.uniform(9 * 60, 17 * 60)))
        cls = params.complaint_class(klass)
        row: dict[str, Any] = {
            "no": f"TS{day:%Y%m%d}-{seq:04d}",
            "query_password_hash": ctx.password_hash,
            "channel": channel,
            "received_at": received,
            "received_on": day,
            "registered_by_id": ctx.org.office_user_id,
            "anonymous": anonymous,
            "complainant_name": "" if anonymous else person_name(rng),
            "complainant_phone": "" if anonymous else mobile(rng),
            "contact_preference": "online" if anonymous else "phone",
            "subject": subject,
            "content": f"{day:%m月%d日}在{t['display_number']}号办理业务时，{subject}。",
            "occurred_on": day,
            "place": "服务大厅",
            "branch_id": branch.id,
            "window_id": window.id,
            "department_id": window.department_id,
            "staff_id": window.staff_id,
            "scope_codes": [scope],
            "related_kind": "ticket",
            "related_ref": f"{branch.code}-{day:%Y%m%d}-{t['display_number']}",
            "rules_ref": rules.ref,
            "owner_id": ctx.org.office_staff_id,
            "round": 1,
        }
        accepted = received + timedelta(minutes=rng.uniform(20, 240))
        classified = accepted + timedelta(hours=rng.uniform(2, 30))
        start = day
        try:
            reply_due = cal.add_workdays(start, cls.reply_working_days)
            warn_on = (
                cal.add_workdays(start, cls.warn_working_days) if cls.warn_working_days is not None else None
            )
            pending = False
        except CalendarNotPublished:
            reply_due = warn_on = None
            pending = True
        row.update(
            clock_start_on=start, limit_days=cls.reply_working_days, reply_due=reply_due, warn_on=warn_on
        )
        row["deadline_pending"] = pending
        late = reply_due is not None and rng.random() < 0.06
        if klass == "invalid":
            replied = classified + timedelta(hours=rng.uniform(1, 4))
        elif reply_due is None:
            replied = classified + timedelta(days=rng.uniform(2, 6))
        else:
            reply_day = (
                _later_workday(ctx, reply_due, rng.randint(1, 3))
                if late
                else _workday_between(ctx, rng, day, reply_due)
            )
            replied = max(classified + timedelta(hours=2), _at(ctx, reply_day, rng.uniform(9 * 60, 17 * 60)))
        follow = replied + timedelta(days=rng.uniform(1, 5))
        archived = follow + timedelta(days=rng.uniform(5, 20))
        status = "received"
        if accepted < as_of:
            status = "accepted"
            row.update(accepted_at=accepted, limit_told_at=accepted, limit_told_via="电话告知")
        if classified < as_of:
            status = "classified"
            row.update(
                class_code=klass,
                is_valid=cls.valid,
                class_reason=f"经核实，定性为{cls.label}。",
                classified_at=classified,
            )
            if cls.valid:
                status = "handling"
                row.update(
                    responsible_department_id=window.department_id,
                    responsibility_analysis="窗口人员未严格执行服务规范。",
                    determined_at=classified + timedelta(hours=1),
                )
        if late and reply_due is not None:
            marked = _at(ctx, reply_due + timedelta(days=1), 40)
            if marked < as_of:
                row["overdue_marked_at"] = marked
        if replied < as_of:
            status = "follow_up"
            row["replied_at"] = replied
        if follow < as_of:
            status = "closed"
            row.update(
                satisfaction=rng.choices(
                    ("satisfied", "basic", "unsatisfied", "unreachable"), (75, 15, 5, 5)
                )[0],
                closed_at=follow,
            )
        if archived < as_of:
            status = "archived"
            row.update(archived_at=archived, archive_note="已按程序办结归档。")
        row["status"] = status
        rows.complaints.append(row)
    _assign(ids, Complaint, rows.complaints)
    rows.complaint_sequence.append({"day": day, "last": seq})
