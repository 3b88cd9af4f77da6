"""Shaping search hits for the guide pages: the steps of a loan procedure timed step by
step (受理、面签、初审、复审 …) are shown as one entry with its steps."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.models import MatterVersion
from catalog.selectors import CATEGORY_ORDER, SearchHit


@dataclass
class Entry:
    version: MatterVersion | None = None  # a single matter
    group: str = ""  # or a procedure of several timed steps
    steps: list[MatterVersion] = field(default_factory=list)

    @property
    def first(self) -> MatterVersion:
        return self.version or self.steps[0]

    @property
    def category(self) -> str:
        return self.first.matter.category


def entries(hits: list[SearchHit]) -> list[Entry]:
    """Hits in their order, the steps of one procedure gathered where its first hit is."""
    out: list[Entry] = []
    groups: dict[str, Entry] = {}
    for hit in hits:
        matter = hit.version.matter
        if matter.group:
            entry = groups.get(matter.group)
            if entry is None:
                entry = groups[matter.group] = Entry(group=matter.group)
                out.append(entry)
            entry.steps.append(hit.version)
        else:
            out.append(Entry(version=hit.version))
    for entry in groups.values():
        entry.steps.sort(key=lambda v: v.matter.stage_order)
    return out


def by_category(items: list[Entry]) -> list[tuple[str, str, list[Entry]]]:
    by: dict[str, list[Entry]] = {}
    for entry in items:
        by.setdefault(entry.category, []).append(entry)
    return [(c.value, c.label, by[c.value]) for c in CATEGORY_ORDER if c.value in by]
