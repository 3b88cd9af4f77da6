"""The staff navigation, assembled from what each app registers in its
AppConfig.ready(), so adding a page never means editing the base template:

    menu.register("工作日历", "workdays_calendar", order=30)
    menu.register("投诉管理", "complaint_list", roles={Role.OFFICE, Role.LEADER}, order=60)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str]  # empty = every staff role
    order: int


_items: dict[str, MenuItem] = {}


def register(label: str, url_name: str, *, roles: Iterable[str] = (), order: int = 100) -> None:
    _items[url_name] = MenuItem(label, url_name, frozenset(str(r) for r in roles), order)


# The menu is grouped by the decade of an item's order: a group of one item is a
# plain link, a larger one a drop-down. Apps pick an order in their domain's decade.
GROUPS: tuple[tuple[int, str], ...] = (
    (0, "工作台"),
    (10, "叫号"),
    (20, "指南与告知"),
    (30, "办件"),
    (40, "首问负责"),
    (50, "好差评"),
    (60, "投诉"),
    (70, "监督考核"),
    (80, "系统"),
    (100, "统计分析"),
)


def _group_label(order: int) -> str:
    return [label for start, label in GROUPS if start <= order][-1]


def groups_for(role_values: set[str]) -> list[dict[str, object]]:
    """The visible items in their groups, in order: [{"label", "items": [...]}]."""
    groups: dict[str, list[dict[str, str]]] = {}
    for item in items_for(role_values):
        groups.setdefault(_group_label(int(item["order"])), []).append(item)
    return [{"label": label, "items": items} for label, items in groups.items()]


def items_for(role_values: set[str]) -> list[dict[str, str]]:
    visible = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.label)):
        if item.roles and not (item.roles & role_values):
            continue
        try:
            visible.append(
                {
                    "label": item.label,
                    "url": reverse(item.url_name),
                    "name": item.url_name,
                    "order": str(item.order),
                }
            )
        except NoReverseMatch:
            continue
    return visible
