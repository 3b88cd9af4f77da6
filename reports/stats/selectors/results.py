"""The shape of a statistics page, shared by the pages, the Excel export and the API: a
section (排队叫号, 预约, 办件, 好差评, 投诉) of headline figures (Kpi), charts and tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reports.stats.filters import StatsFilter


@dataclass
class Column:
    key: str
    label: str
    fmt: str = "int"  # int | pct | min | hours | text | date | float


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    note: str = ""

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip([c.key for c in self.columns], r, strict=True)) for r in self.rows]


@dataclass
class Kpi:
    key: str
    label: str
    value: Any
    fmt: str = "int"
    note: str = ""
    tone: str = ""  # "" | green | red | amber


@dataclass
class Chart:
    key: str
    title: str
    option: dict[str, Any]
    height: int = 320


@dataclass
class Section:
    key: str
    title: str
    f: StatsFilter
    kpis: list[Kpi] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)
