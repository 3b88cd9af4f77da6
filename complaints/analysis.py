"""The yearly (or any period's) complaint analysis of 000 §五(四)12: complaints per
department and branch, per scope category and class, the quality of handling
(on-time rate, satisfaction at the follow-up, reopened), hot topics, repeat
complaints (same complainant or phone, or same subject and staff within a window)
and the suggestions collected (§8(6)). Computed from the stored replies and
follow-ups, so it can be re-run for any past period."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction

from django.db.models import Prefetch

from common import clock
from common.identity import mask_name, mask_phone
from common.periods import Period
from complaints.models import (
    AWAITING_REPLY,
    Channel,
    Complaint,
    ComplaintClass,
    FollowUp,
    Satisfaction,
    Status,
)
from org.models import Staff
from rules.models import RuleSet
from rules.schemas import ComplaintParams

UNASSIGNED = "未认定责任部门"
NO_BRANCH = "未指明管理部"


@dataclass
class Quality:
    """Counts behind the rates of one group of complaints."""

    count: int = 0
    valid: int = 0
    major: int = 0
    due: int = 0  # answered, or past the limit without an answer
    on_time: int = 0
    reached: int = 0  # follow-ups with an answer (not 无法回访)
    satisfied: int = 0  # 满意 + 基本满意
    reopened: int = 0

    @property
    def on_time_rate(self) -> Fraction | None:
        return Fraction(self.on_time, self.due) if self.due else None

    @property
    def satisfaction_rate(self) -> Fraction | None:
        return Fraction(self.satisfied, self.reached) if self.reached else None


@dataclass
class Group:
    label: str
    quality: Quality = field(default_factory=Quality)


@dataclass
class Repeat:
    reason: str  # 同一电话 / 同一邮箱 / 同一投诉人 / 同一事项和工作人员
    key: str  # masked where it is personal
    complaints: list[Complaint]


@dataclass
class Suggestion:
    no: str
    on: date
    source: str  # 投诉时 / 回访时
    text: str


@dataclass
class Analysis:
    period: Period
    window_days: int
    today: date
    total: Quality
    by_class: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_department: list[Group]
    by_branch: list[Group]
    by_scope: list[tuple[str, int]]
    satisfaction: list[tuple[str, int]]
    hot_matters: list[tuple[str, int]]
    hot_staff: list[tuple[str, int]]
    repeats: list[Repeat]
    suggestions: list[Suggestion]
    open_count: int
    overdue_open: int
    complaints: list[Complaint]
    withheld: int = 0  # complaints about the viewer left out of the lists (`withheld_for`)

    @property
    def max_department(self) -> int:
        return max((g.quality.count for g in self.by_department), default=0)

    @property
    def max_scope(self) -> int:
        return max((n for _, n in self.by_scope), default=0)


def complaint_analysis(period: Period, *, window_days: int, today: date | None = None) -> Analysis:
    """Every complaint received in the period, analysed as of `today`."""
    today = today or clock.today()
    complaints = list(
        Complaint.objects.filter(received_on__gte=period.start, received_on__lte=period.end)
        .select_related("responsible_department", "branch", "staff")
        # The long texts are not analysed here (the repeats show numbers and dates only).
        .defer("content", "initial_findings", "class_reason", "responsibility_analysis", "archive_note")
        # Lists materialised once per complaint (to_attr): the loop below reads them
        # several times, and a year of a large centre has thousands of complaints.
        .prefetch_related(
            Prefetch("responsible_staff", to_attr="responsible_list"),
            Prefetch("replies", to_attr="reply_list"),
            Prefetch("follow_ups", queryset=FollowUp.objects.order_by("at", "id"), to_attr="follow_up_list"),
        )
        .order_by("received_at", "id")
    )
    scope_labels = _scope_labels(complaints)

    total = Quality()
    departments: dict[str, Group] = {}
    branches: dict[str, Group] = {}
    classes: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    scopes: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    matters: Counter[str] = Counter()
    staff_counts: Counter[str] = Counter()
    suggestions: list[Suggestion] = []
    open_count = overdue_open = 0

    for c in complaints:
        dept = c.responsible_department.name if c.responsible_department else UNASSIGNED
        branch = c.branch.name if c.branch else NO_BRANCH
        for quality in (
            total,
            departments.setdefault(dept, Group(dept)).quality,
            branches.setdefault(branch, Group(branch)).quality,
        ):
            _add(quality, c, today)
        classes[c.class_code or "unclassified"] += 1
        channels[c.channel] += 1
        for code in c.scope_codes or ["unscoped"]:
            scopes[code] += 1
        last = _last_follow_up(c)
        if last is not None:
            levels[last.satisfaction] += 1
        if _matter_key(c):
            matters[_matter_label(c)] += 1
        for person in _people(c):
            staff_counts[f"{person.name}（{person.staff_no}）"] += 1
        if c.suggestion:
            suggestions.append(Suggestion(c.no, c.received_on, "投诉时", c.suggestion))
        for fu in c.follow_up_list:  # type: ignore[attr-defined]
            if fu.suggestion:
                suggestions.append(Suggestion(c.no, clock.local_date(fu.at), "回访时", fu.suggestion))
        if c.is_open:
            open_count += 1
            if c.status in AWAITING_REPLY and c.reply_due and c.reply_due < today:
                overdue_open += 1

    class_labels = dict(ComplaintClass.choices) | {"unclassified": "尚未定性"}
    scope_labels |= {"unscoped": "未归类"}
    return Analysis(
        period=period,
        window_days=window_days,
        today=today,
        total=total,
        by_class=[
            (class_labels[k], classes[k])
            for k in ("major", "general", "invalid", "unclassified")
            if classes[k]
        ],
        by_channel=[(label, channels[value]) for value, label in Channel.choices if channels[value]],
        by_department=sorted(departments.values(), key=lambda g: (-g.quality.count, g.label)),
        by_branch=sorted(branches.values(), key=lambda g: (-g.quality.count, g.label)),
        by_scope=[
            (scope_labels.get(k, k), n) for k, n in sorted(scopes.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        satisfaction=[(label, levels[value]) for value, label in Satisfaction.choices if levels[value]],
        hot_matters=[(m, n) for m, n in sorted(matters.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2][
            :10
        ],
        hot_staff=[(s, n) for s, n in sorted(staff_counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2][
            :10
        ],
        repeats=repeat_complaints(complaints, window_days=window_days),
        suggestions=suggestions,
        open_count=open_count,
        overdue_open=overdue_open,
        complaints=complaints,
    )


def withheld_for(report: Analysis, staff: Staff | None) -> Analysis:
    """The analysis as a person complained about may read it (issue 14): the figures
    stay the centre's, but the lists leave out the complaints about them — the list of
    complaints, the suggestions (the complainants' words), the repeat groups that
    contain one, and their own line among the staff complained about most."""
    if staff is None:
        return report
    about = {
        c.pk for c in report.complaints if c.staff_id == staff.pk or any(p.pk == staff.pk for p in _people(c))
    }
    if not about:
        return report
    numbers = {c.no for c in report.complaints if c.pk in about}
    own = f"{staff.name}（{staff.staff_no}）"
    return replace(
        report,
        hot_staff=[(s, n) for s, n in report.hot_staff if s != own],
        repeats=[r for r in report.repeats if not any(c.pk in about for c in r.complaints)],
        suggestions=[s for s in report.suggestions if s.no not in numbers],
        complaints=[c for c in report.complaints if c.pk not in about],
        withheld=len(about),
    )


def reply_standing(
    *, replies: int, late_replies: int, status: str, reply_due: date | None, today: date
) -> tuple[bool, bool]:
    """(due, on time) of one complaint — the one definition the yearly analysis and the
    statistics (reports) share: a complaint is due when it has a reply or its reply date
    has passed unanswered; it is on time when it has replies, every reply was on time, and
    it is not overdue now."""
    late_now = status in AWAITING_REPLY and reply_due is not None and reply_due < today
    due = bool(replies) or late_now
    return due, bool(replies) and not late_replies and not late_now


def _add(q: Quality, c: Complaint, today: date) -> None:
    q.count += 1
    q.valid += c.is_valid
    q.major += c.class_code == ComplaintClass.MAJOR
    replies = c.reply_list  # type: ignore[attr-defined]
    due, on_time = reply_standing(
        replies=len(replies),
        late_replies=sum(1 for r in replies if not r.on_time),
        status=c.status,
        reply_due=c.reply_due,
        today=today,
    )
    q.due += due
    q.on_time += on_time
    last = _last_follow_up(c)
    if last is not None and last.satisfaction != Satisfaction.UNREACHABLE:
        q.reached += 1
        q.satisfied += last.satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASIC)
    q.reopened += any(f.reopened for f in c.follow_up_list)  # type: ignore[attr-defined]


def _last_follow_up(c: Complaint) -> FollowUp | None:
    rows = c.follow_up_list  # type: ignore[attr-defined]
    return rows[-1] if rows else None


def _people(c: Complaint) -> list:
    """The staff a complaint is against: those found responsible, else the one named."""
    found = c.responsible_list  # type: ignore[attr-defined]
    if found:
        return found
    return [c.staff] if c.staff_id and c.staff else []


def _matter_key(c: Complaint) -> str:
    return c.matter_code.strip().upper() or "".join(c.matter.split())


def _matter_label(c: Complaint) -> str:
    return c.matter.strip() or c.matter_code.strip()


def _scope_labels(complaints: Iterable[Complaint]) -> dict[str, str]:
    """The labels of the scope codes, from the rule set versions the complaints used."""
    labels: dict[str, str] = {}
    for ref in sorted({c.rules_ref for c in complaints}):
        code, _, version = ref.partition("@")
        row = RuleSet.objects.filter(code=code, version=int(version or 0)).first()
        if row is None:
            continue
        params = row.parsed()
        if isinstance(params, ComplaintParams):
            for s in params.scope:
                labels.setdefault(s.code, s.text)
    return labels


def repeat_complaints(complaints: list[Complaint], *, window_days: int) -> list[Repeat]:
    """Groups of complaints that repeat: the same phone, e-mail or named complainant
    (name + unit), or the same matter against the same staff member, each at most
    `window_days` after the previous one in the group (chained)."""
    keyers: list[tuple[str, Callable[[Complaint], list[tuple[str, str]]]]] = [
        (
            "同一联系电话",
            lambda c: [(c.complainant_phone, mask_phone(c.complainant_phone))] if c.complainant_phone else [],
        ),
        (
            "同一电子邮箱",
            lambda c: (
                [(c.complainant_email.lower(), _mask_email(c.complainant_email))]
                if c.complainant_email
                else []
            ),
        ),
        (
            "同一投诉人（姓名和单位）",
            lambda c: (
                [
                    (
                        f"{c.complainant_name}|{c.complainant_unit}",
                        f"{mask_name(c.complainant_name)} · {c.complainant_unit}",
                    )
                ]
                if c.complainant_name and c.complainant_unit and not c.anonymous
                else []
            ),
        ),
        ("同一事项和工作人员", _subject_keys),
    ]
    found: list[Repeat] = []
    seen: set[tuple[str, frozenset[int]]] = set()
    for reason, keyer in keyers:
        buckets: dict[str, list[Complaint]] = defaultdict(list)
        shown: dict[str, str] = {}
        for c in complaints:
            for key, label in keyer(c):
                buckets[key].append(c)
                shown[key] = label
        for key, rows in buckets.items():
            for chain in _chains(rows, window_days):
                ids = frozenset(c.pk for c in chain)
                if (reason, ids) in seen:
                    continue
                seen.add((reason, ids))
                found.append(Repeat(reason, shown[key], chain))
    found.sort(key=lambda r: (-len(r.complaints), r.reason, r.complaints[0].received_at))
    return found


def _subject_keys(c: Complaint) -> list[tuple[str, str]]:
    matter = _matter_key(c)
    subjects = [(matter, _matter_label(c))] if matter else [(f"scope:{s}", s) for s in c.scope_codes]
    return [
        (f"{person.pk}|{key}", f"{person.name} · {label}") for person in _people(c) for key, label in subjects
    ]


def _chains(rows: list[Complaint], window_days: int) -> list[list[Complaint]]:
    rows = sorted({c.pk: c for c in rows}.values(), key=lambda c: (c.received_on, c.pk))
    chains: list[list[Complaint]] = []
    current: list[Complaint] = []
    for c in rows:
        if current and (c.received_on - current[-1].received_on).days > window_days:
            if len(current) > 1:
                chains.append(current)
            current = []
        current.append(c)
    if len(current) > 1:
        chains.append(current)
    return chains


def _mask_email(value: str) -> str:
    user, _, domain = value.partition("@")
    return (user[:1] + "***@" + domain) if domain else "***"


def percent(value: Fraction | None) -> str:
    """四舍五入 to one decimal place, "—" when there is nothing to divide."""
    if value is None:
        return "—"
    tenths = (value * 1000 + Fraction(1, 2)).__floor__()
    return f"{tenths // 10}.{tenths % 10}%"


def is_closed(c: Complaint) -> bool:
    return c.status in (Status.CLOSED, Status.ARCHIVED)
