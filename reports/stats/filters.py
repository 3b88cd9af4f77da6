"""The period and filters of a statistics page or API call, parsed and checked once.

A period is a closed range of business dates (local dates, Asia/Shanghai). Quick picks
(今天、本周 …) are resolved against today. Filters are checked against what the person
may see: a department head asking for another branch, window or teller is refused (403),
an unknown id or a malformed date is a 400 with a message saying what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied

from common.errors import DomainError
from common.periods import Period
from org.access import branch_scope
from org.models import Branch, Category, Role, Staff, Window

# Who may see statistics: the centre's roles see every branch, a department head their own.
STATS_ROLES = (Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN, Role.HEAD)

MAX_DAYS = 3 * 366

PERIODS: dict[str, str] = {
    "today": "今天",
    "this_week": "本周",
    "last_week": "上周",
    "this_month": "本月",
    "last_month": "上月",
    "this_quarter": "本季度",
    "this_year": "本年",
}


def period_range(key: str, today: date) -> tuple[date, date]:
    """The dates of a quick pick; periods that are still running end today."""
    if key == "today":
        return today, today
    if key == "this_week":
        return today - timedelta(days=today.weekday()), today
    if key == "last_week":
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if key == "this_month":
        return Period.containing("month", today).start, today
    if key == "last_month":
        last = Period.containing("month", today.replace(day=1) - timedelta(days=1))
        return last.start, last.end
    if key == "this_quarter":
        return Period.containing("quarter", today).start, today
    if key == "this_year":
        return Period.containing("year", today).start, today
    raise BadFilter(f"未知的统计期间“{key}”，请从 今天、本周、上周、本月、上月、本季度、本年 中选择。")


class BadFilter(DomainError):
    code = "invalid_input"
    status = 400


@dataclass(frozen=True)
class StatsFilter:
    start: date
    end: date
    today: date
    period: str = ""  # the quick pick used, if any
    scope: frozenset[int] | None = None  # branches the person may see (None = all)
    branch: Branch | None = None
    window: Window | None = None
    staff: Staff | None = None
    category: str = ""
    matter_id: int | None = None
    matter_label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def branch_ids(self) -> frozenset[int] | None:
        """The branches the figures cover (None = every branch)."""
        if self.branch is not None:
            return frozenset({self.branch.pk})
        return self.scope

    @property
    def label(self) -> str:
        base = (
            f"{self.start:%Y-%m-%d}"
            if self.start == self.end
            else f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"
        )
        return f"{PERIODS[self.period]}（{base}）" if self.period in PERIODS else base

    @property
    def scope_label(self) -> str:
        parts = [self.branch.name if self.branch else ("全中心" if self.scope is None else "本管理部")]
        if self.window:
            parts.append(f"{self.window.number}号窗口")
        if self.staff:
            parts.append(f"{self.staff.name}（{self.staff.staff_no}）")
        if self.category:
            parts.append(Category(self.category).label)
        if self.matter_label:
            parts.append(self.matter_label)
        return " · ".join(parts)

    def query(self, **override: object) -> str:
        """The query string of these filters (for links, exports and the API)."""
        from urllib.parse import urlencode

        values: dict[str, object] = {}
        if self.period and "start" not in override:
            values["period"] = self.period
        else:
            values["start"] = f"{self.start:%Y-%m-%d}"
            values["end"] = f"{self.end:%Y-%m-%d}"
        if self.branch:
            values["branch"] = self.branch.pk
        if self.window:
            values["window"] = self.window.pk
        if self.staff:
            values["staff"] = self.staff.pk
        if self.category:
            values["category"] = self.category
        if self.matter_id:
            values["matter"] = self.matter_id
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})

    def with_dates(self, start: date, end: date) -> StatsFilter:
        return replace(self, start=start, end=end, period="")


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadFilter(f"{name}“{value}”不是有效的日期，请按 2026-01-31 的格式填写。") from None


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise BadFilter(f"{name}参数“{value}”无效。") from None


def parse_filter(
    user: Any, params: Mapping[str, str], *, today: date, default_period: str = "this_month"
) -> StatsFilter:
    """The filter of a request. Raises BadFilter (400) or PermissionDenied (403)."""
    scope = branch_scope(user)
    if scope is not None and not scope:
        raise PermissionDenied("您的账号没有所属管理部，无法查看统计。")
    period = (params.get("period") or "").strip()
    start_raw, end_raw = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    if (start_raw or end_raw) and not period:
        start = _date(start_raw, "开始日期") if start_raw else None
        end = _date(end_raw, "结束日期") if end_raw else None
        start = start or end
        end = end or start
        assert start is not None and end is not None
        period = ""
    else:
        period = period or default_period
        start, end = period_range(period, today)
    if end < start:
        raise BadFilter("结束日期早于开始日期，请调换后再查询。")
    if start > today:
        raise BadFilter("开始日期晚于今天，统计只包含已经发生的业务。")
    end = min(end, today)
    if (end - start).days + 1 > MAX_DAYS:
        raise BadFilter(f"统计期间最长 {MAX_DAYS} 天，请缩短期间或分段查询。")

    branch = window = staff = None
    if params.get("branch"):
        branch = Branch.objects.filter(pk=_int(params["branch"], "管理部")).first()
        if branch is None:
            raise BadFilter("所选管理部不存在，请重新选择。")
        if scope is not None and branch.pk not in scope:
            raise PermissionDenied("您只能查看本管理部的统计。")
    if params.get("window"):
        window = Window.objects.select_related("branch").filter(pk=_int(params["window"], "窗口")).first()
        if window is None:
            raise BadFilter("所选窗口不存在，请重新选择。")
        if scope is not None and window.branch_id not in scope:
            raise PermissionDenied("您只能查看本管理部窗口的统计。")
        if branch is not None and window.branch_id != branch.pk:
            raise BadFilter("所选窗口不属于所选管理部。")
    if params.get("staff"):
        staff = Staff.objects.filter(pk=_int(params["staff"], "工作人员")).first()
        if staff is None:
            raise BadFilter("所选工作人员不存在，请重新选择。")
        if scope is not None and staff.branch_id not in scope:
            raise PermissionDenied("您只能查看本管理部工作人员的统计。")
    category = (params.get("category") or "").strip()
    if category and category not in Category.values:
        raise BadFilter("业务类别无效：只能是 归集、提取、贷款、其他。")
    matter_id = None
    matter_label = ""
    if params.get("matter"):
        from catalog.models import Matter

        matter = Matter.objects.filter(pk=_int(params["matter"], "事项")).first()
        if matter is None:
            raise BadFilter("所选服务事项不存在，请重新选择。")
        matter_id = matter.pk
        matter_label = str(matter)
    return StatsFilter(
        start=start,
        end=end,
        today=today,
        period=period,
        scope=scope,
        branch=branch,
        window=window,
        staff=staff,
        category=category,
        matter_id=matter_id,
        matter_label=matter_label,
    )
