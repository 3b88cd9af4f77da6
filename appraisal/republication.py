"""Published results stay true: a published quarter (公示) compared with the same quarter
computed again from today's records.

Pure module (no Django): the published side is the stored `AppraisalResult` rows as
plain dicts, the fresh side the `PreviewRow`s of `appraisal.selectors.quarter_preview`
reduced to the same shape (`snapshot_of`). The records that count for a quarter come
from five apps (ledger, inspections, complaints, first-inquiry breaches, cases) and from
the appraisal's own entries; any of them may be corrected after the publication — a fine
reversed on appeal, an inspection voided, a complaint's finding changed, an overdue
finding revised. Comparing the result with the records catches every cause, including
ones no hook was written for.

A difference is reported per person: the records added and removed (by item, source and
number) and the total, rank, grade and veto as published and as they are now. A person
whose own records did not change but whose rank or grade did (somebody else moved) is
reported too: a change of rank can change a grade (优秀 is for the first two).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

OUTCOME_FIELDS = ("total", "rank", "grade_code", "grade_label", "valid_complaint", "return_to_unit")


def line_key(line: Mapping[str, Any]) -> tuple[str, int, str, str]:
    return (str(line["code"]), int(line["quantity"]), str(line.get("source", "")), str(line.get("ref", "")))


def _item_lines(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Item-level lines of a publication made before the lines were stored (code and
    quantity per item, no source): enough to say which items changed."""
    items = [i for s in result.get("sections", []) for i in s.get("items", [])]
    items += list(result.get("bonuses", []))
    return [
        {"code": i["code"], "quantity": i["quantity"], "source": "", "ref": "", "note": i["text"]}
        for i in items
    ]


def _lines_of(result: Mapping[str, Any], detailed: bool) -> list[dict[str, Any]]:
    return list(result.get("lines") or []) if detailed else _item_lines(result)


def _multiset_difference(
    a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The lines of `a` that are not in `b` (as multisets, by line_key)."""
    remaining = Counter(line_key(x) for x in b)
    out = []
    for line in a:
        key = line_key(line)
        if remaining[key]:
            remaining[key] -= 1
        else:
            out.append(line)
    return out


def outcome(result: Mapping[str, Any]) -> dict[str, Any]:
    return {f: result.get(f) for f in OUTCOME_FIELDS}


def compare(
    published: Iterable[Mapping[str, Any]], fresh: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Per person whose result or records differ: staff_id, staff_no, name, before and
    after (total, rank, grade, veto, return flag), the records added and removed since the
    publication, and the peer review (好/总) before and after when it moved. Ordered by
    the rank published. Empty when the publication is still true."""
    published = list(published)
    fresh_by_id = {row["staff_id"]: row for row in fresh}
    # A publication made before the lines were stored (lines None) is compared by items.
    detailed = all(row.get("lines") is not None for row in published)
    changes = []
    for before in sorted(published, key=lambda r: (r.get("rank") or 0, r.get("staff_no", ""))):
        after = fresh_by_id.get(before["staff_id"])
        if after is None:
            continue
        old_lines = _lines_of(before, detailed)
        new_lines = _lines_of(after, detailed)
        added = _multiset_difference(new_lines, old_lines)
        removed = _multiset_difference(old_lines, new_lines)
        peer_before = (before.get("peer") or {}).get("counted"), (before.get("peer") or {}).get("total")
        peer_after = (after.get("peer") or {}).get("counted"), (after.get("peer") or {}).get("total")
        if not added and not removed and outcome(before) == outcome(after) and peer_before == peer_after:
            continue
        changes.append(
            {
                "staff_id": before["staff_id"],
                "staff_no": before.get("staff_no", ""),
                "name": before.get("staff_name", ""),
                "before": outcome(before),
                "after": outcome(after),
                "added": [dict(line) for line in added],
                "removed": [dict(line) for line in removed],
                "peer": None if peer_before == peer_after else {"before": peer_before, "after": peer_after},
            }
        )
    return changes


def summary(changes: Sequence[Mapping[str, Any]]) -> str:
    """One part per person whose grade or total moved (with the rank when it moved too):
    "胡晓明（1101）优秀 → 称职，名次 1 → 3". A rank moved only by somebody else is left out."""
    parts = []
    for change in changes:
        before, after = change["before"], change["after"]
        moved = []
        if before["grade_label"] != after["grade_label"]:
            moved.append(f"{before['grade_label']} → {after['grade_label']}")
        if before["total"] != after["total"]:
            moved.append(f"得分 {before['total']} → {after['total']}")
        if moved and before["rank"] != after["rank"]:
            moved.append(f"名次 {before['rank']} → {after['rank']}")
        if moved:
            parts.append(f"{change['name']}（{change['staff_no']}）{'，'.join(moved)}")
    return "；".join(parts)
