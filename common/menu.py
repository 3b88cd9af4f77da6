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


def items_for(role_values: set[str]) -> list[dict[str, str]]:
    visible = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.label)):
        if item.roles and not (item.roles & role_values):
            continue
        try:
            visible.append({"label": item.label, "url": reverse(item.url_name), "name": item.url_name})
        except NoReverseMatch:
            continue
    return visible
