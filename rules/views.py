"""A read-only page of the rule sets, for every staff role: people are scored, fined
and timed by these numbers, so they may read them, with the clause each comes from
and every interpretation the product takes (DESIGN.md "Rule sets")."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from common import clock
from org.access import role_required
from rules.models import RuleKind, RuleSet


@role_required()
def rule_set_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    rows = list(RuleSet.objects.order_by("kind", "code", "-version"))
    kinds = []
    for kind in RuleKind:
        versions = [r for r in rows if r.kind == kind]
        in_force = next((r for r in versions if r.is_in_force(today)), None)
        kinds.append(
            {
                "kind": kind,
                "in_force": in_force,
                "params_json": json.dumps(in_force.params, ensure_ascii=False, indent=2) if in_force else "",
                "others": [r for r in versions if r is not in_force],
            }
        )
    return render(request, "rules/list.html", {"kinds": kinds, "today": today})
