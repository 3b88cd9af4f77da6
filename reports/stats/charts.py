"""ECharts options for the statistics pages, built on the server from the same figures as
the tables (so a chart never shows something the table does not). static/reports/stats.js
renders each option with the vendored ECharts; nothing here is JavaScript."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from reports.figures import QueueFigures, half_up, percent_number

if TYPE_CHECKING:
    from reports.stats.selectors.results import Chart

BLUE = "#1f5fa8"
GREEN = "#2e7d32"
RED = "#c62828"
AMBER = "#b26a00"
PALETTE = [BLUE, "#4f9bd9", GREEN, AMBER, RED, "#7b5ea7", "#00838f", "#8d6e63"]
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _chart(key: str, title: str, option: dict[str, Any], height: int = 320) -> Chart:
    from reports.stats.selectors.results import Chart

    base: dict[str, Any] = {
        "color": PALETTE,
        "textStyle": {"fontFamily": "system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"},
        "animation": False,
    }
    base.update(option)
    return Chart(key, title, base, height)


def _pct(value: float | None) -> float | None:
    return percent_number(value)


def _round(value: float | None, digits: int = 1) -> float | None:
    return float(half_up(value, digits)) if value is not None else None


def daily_trend(
    trend: list[tuple[date, dict[str, int] | None]],
    *,
    target_min: int,
    target_share: int,
    monthly: bool = False,
) -> Chart:
    labels = [f"{d:%Y-%m}" if monthly else f"{d:%m-%d}" for d, _ in trend]
    taken = [m["taken"] if m else 0 for _, m in trend]
    served = [m["served"] if m else 0 for _, m in trend]
    days = [QueueFigures(m) if m else None for _, m in trend]
    avg_wait = [_round(q.avg_wait) if q else None for q in days]
    share = [_pct(q.within_share) if q else None for q in days]
    return _chart(
        "queue_trend",
        "每月取号、办结与等候" if monthly else "每日取号、办结与等候",
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 48, "right": 56, "top": 64, "bottom": 40},
            "xAxis": {"type": "category", "data": labels},
            "yAxis": [
                {"type": "value", "name": "张"},
                {"type": "value", "name": "分钟 / %", "splitLine": {"show": False}},
            ],
            "dataZoom": [{"type": "inside"}] if len(labels) > 45 else [],
            "series": [
                {"name": "取号", "type": "bar", "data": taken, "itemStyle": {"color": "#a9c8ec"}},
                {"name": "办结", "type": "bar", "data": served, "itemStyle": {"color": BLUE}},
                {
                    "name": "平均等候(分)",
                    "type": "line",
                    "yAxisIndex": 1,
                    "data": avg_wait,
                    "itemStyle": {"color": AMBER},
                    "connectNulls": True,
                },
                {
                    "name": f"{target_min}分钟内叫号(%)",
                    "type": "line",
                    "yAxisIndex": 1,
                    "data": share,
                    "itemStyle": {"color": GREEN},
                    "connectNulls": True,
                    "markLine": {
                        "symbol": "none",
                        "lineStyle": {"color": GREEN, "type": "dashed"},
                        "label": {"formatter": f"目标 {target_share}%"},
                        "data": [{"yAxis": target_share}],
                    },
                },
            ],
        },
    )


def heatmap(counts: Counter[tuple[int, int]]) -> Chart:
    """Tickets taken by weekday × hour of arrival (peak hours)."""
    hours = sorted({h for _, h in counts}) or list(range(8, 18))
    hours = list(range(min(hours), max(hours) + 1))
    weekdays = sorted({d for d, _ in counts}) or list(range(5))
    weekdays = list(range(min(weekdays[0], 0), max(max(weekdays), 4) + 1))
    data = [[hours.index(h), weekdays.index(d), counts.get((d, h), 0)] for d in weekdays for h in hours]
    peak = max(counts.values(), default=0)
    return _chart(
        "queue_heatmap",
        "高峰时段（星期 × 取号时段，取号数）",
        {
            "tooltip": {"position": "top"},
            "grid": {"left": 48, "right": 16, "top": 16, "bottom": 72},
            "xAxis": {"type": "category", "data": [f"{h}时" for h in hours], "splitArea": {"show": True}},
            "yAxis": {
                "type": "category",
                "data": [WEEKDAYS[d] for d in weekdays],
                "inverse": True,
                "splitArea": {"show": True},
            },
            "visualMap": {
                "min": 0,
                "max": max(peak, 1),
                "calculable": True,
                "orient": "horizontal",
                "left": "center",
                "bottom": 0,
                "inRange": {"color": ["#f4f8fd", "#a9c8ec", "#1f5fa8", "#0b2f5c"]},
            },
            "series": [
                {"name": "取号", "type": "heatmap", "data": data, "label": {"show": len(hours) <= 12}}
            ],
        },
        height=300,
    )


def wait_histogram(hist: dict[int, int], *, target_min: int) -> Chart:
    top = 60
    labels = [f"{m}" for m in range(top)] + [f"≥{top}"]
    values = [hist.get(m, 0) for m in range(top)] + [sum(n for m, n in hist.items() if m >= top)]
    colors = [GREEN if m < target_min else (AMBER if m < top else RED) for m in range(top + 1)]
    return _chart(
        "queue_wait_hist",
        f"等候时间分布（分钟；绿色 = {target_min} 分钟内）",
        {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 48, "right": 16, "top": 24, "bottom": 32},
            "xAxis": {"type": "category", "data": labels, "name": "分钟"},
            "yAxis": {"type": "value", "name": "张"},
            "series": [
                {
                    "name": "叫号",
                    "type": "bar",
                    "data": [
                        {"value": v, "itemStyle": {"color": c}} for v, c in zip(values, colors, strict=True)
                    ],
                }
            ],
        },
        height=260,
    )


def stacked_days(
    by_day: dict[date, Counter[str]],
    series: list[tuple[str, str]],
    days: list[date],
    *,
    title: str,
    monthly: bool = False,
) -> Chart:
    return _chart(
        "appointment_days",
        title,
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 48, "right": 16, "top": 40, "bottom": 32},
            "xAxis": {"type": "category", "data": [f"{d:%Y-%m}" if monthly else f"{d:%m-%d}" for d in days]},
            "yAxis": {"type": "value", "name": "个"},
            "series": [
                {
                    "name": label,
                    "type": "bar",
                    "stack": "all",
                    "data": [by_day.get(d, Counter())[value] for d in days],
                }
                for value, label in series
            ],
        },
    )


def grouped_bars(
    key: str,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[int]]],
    *,
    rate_series: tuple[str, list[float | None]] | None = None,
) -> Chart:
    out: list[dict[str, Any]] = [{"name": name, "type": "bar", "data": data} for name, data in series]
    axes: list[dict[str, Any]] = [{"type": "value", "name": "件"}]
    if rate_series:
        axes.append({"type": "value", "name": "%", "max": 100, "splitLine": {"show": False}})
        out.append(
            {
                "name": rate_series[0] + "(%)",
                "type": "line",
                "yAxisIndex": 1,
                "data": [_pct(v) for v in rate_series[1]],
                "itemStyle": {"color": GREEN},
            }
        )
    return _chart(
        key,
        title,
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 48, "right": 48, "top": 64, "bottom": 32},
            "xAxis": {"type": "category", "data": labels},
            "yAxis": axes,
            "series": out,
        },
    )


EMPTY = {
    "type": "text",
    "left": "center",
    "top": "middle",
    "style": {"text": "本期没有数据", "fill": "#5b6b7c", "fontSize": 16},
}


def pie(key: str, title: str, items: Iterable[tuple[str, int]], *, colors: list[str] | None = None) -> Chart:
    pairs = list(items)
    if colors:
        # Keep each label's colour when empty slices are dropped.
        colors = [c for (_, n), c in zip(pairs, colors, strict=False) if n]
    pairs = [(name, n) for name, n in pairs if n]
    if not pairs:
        return _chart(key, title, {"graphic": [EMPTY], "series": []}, height=300)
    items = pairs
    option: dict[str, Any] = {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"bottom": 0},
        "series": [
            {
                "name": title,
                "type": "pie",
                "radius": ["38%", "68%"],
                "center": ["50%", "45%"],
                "label": {"formatter": "{b}\n{c}"},
                "data": [{"name": name, "value": n} for name, n in items],
            }
        ],
    }
    if colors:
        option["color"] = colors
    return _chart(key, title, option, height=300)


def bars(key: str, title: str, labels: list[str], values: list[int], name: str) -> Chart:
    return _chart(
        key,
        title,
        {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 48, "right": 16, "top": 24, "bottom": 48},
            "xAxis": {
                "type": "category",
                "data": labels,
                "axisLabel": {"interval": 0, "rotate": 20 if len(labels) > 4 else 0},
            },
            "yAxis": {"type": "value", "name": "件"},
            "series": [{"name": name, "type": "bar", "data": values}],
        },
        height=300,
    )


def day_bars_with_rate(
    key: str,
    title: str,
    days: list[date],
    counts: dict[date, int],
    rates: dict[date, float | None],
    *,
    bars: str,
    rate: str,
    monthly: bool = False,
) -> Chart:
    return _chart(
        key,
        title,
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 48, "right": 48, "top": 64, "bottom": 32},
            "xAxis": {"type": "category", "data": [f"{d:%Y-%m}" if monthly else f"{d:%m-%d}" for d in days]},
            "yAxis": [
                {"type": "value", "name": "条"},
                {"type": "value", "name": "%", "splitLine": {"show": False}},
            ],
            "series": [
                {"name": bars, "type": "bar", "data": [counts.get(d, 0) for d in days]},
                {
                    "name": rate + "(%)",
                    "type": "line",
                    "yAxisIndex": 1,
                    "data": [_pct(rates.get(d)) for d in days],
                    "itemStyle": {"color": RED},
                    "connectNulls": True,
                },
            ],
        },
    )
