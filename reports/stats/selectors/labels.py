"""How the tables name windows, staff, branches and service matters: each lookup reads
the ids of one table in one query (on the reporting database)."""

from __future__ import annotations

from collections.abc import Iterable

from catalog.models import Matter, MatterVersion
from common.db import reporting_alias
from org.models import Branch, Staff, Window


def windows_by_id(ids: Iterable[int | None]) -> dict[int, Window]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        w.pk: w
        for w in Window.objects.using(reporting_alias()).select_related("branch").filter(pk__in=wanted)
    }


def staff_by_id(ids: Iterable[int | None]) -> dict[int, Staff]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        s.pk: s for s in Staff.objects.using(reporting_alias()).select_related("branch").filter(pk__in=wanted)
    }


def branches_by_id(ids: Iterable[int | None]) -> dict[int, Branch]:
    wanted = {i for i in ids if i is not None}
    return {b.pk: b for b in Branch.objects.using(reporting_alias()).filter(pk__in=wanted)} if wanted else {}


def matter_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    codes = dict(Matter.objects.using(reporting_alias()).filter(pk__in=wanted).values_list("pk", "code"))
    names: dict[int, str] = {}
    for matter_id, name in (
        MatterVersion.objects.using(reporting_alias())
        .filter(matter_id__in=wanted)
        .order_by("matter_id", "effective_from", "number")
        .values_list("matter_id", "name")
    ):
        names[matter_id] = name  # the latest version wins
    return {
        i: f"{names.get(i, '')}（{codes.get(i, i)}）" if names.get(i) else str(codes.get(i, i))
        for i in wanted
    }


def window_label(w: Window | None, branches: bool) -> str:
    if w is None:
        return "（未叫号）"
    return f"{w.branch.name} {w.number}号窗口" if branches else f"{w.number}号窗口"


def branch_name(s: Staff | None) -> str:
    return s.branch.name if s is not None and s.branch is not None else ""


def staff_label(s: Staff | None) -> str:
    return f"{s.name}（{s.staff_no}）" if s else "（未叫号）"
