"""Every stateful record's transition map is complete and sound (DESIGN.md convention 2):
each status of the model's choices is a key; a terminal status allows no move; every
move leads to a known status; every status can be reached from where a record starts.
A model with a `status` field of choices must declare its map (`TRANSITIONS`) and where
a record starts (`INITIAL`, or the map's "" key for "not created yet")."""

from __future__ import annotations

import pytest
from django.apps import apps

from audit.transitions import InvalidTransition, check_transition

PROJECT_APPS = {
    "org", "workdays", "rules", "catalog", "documents", "queueing", "inquiries", "complaints",
    "cases", "ratings", "supervision", "appraisal", "reports",
}  # fmt: skip


def _stateful_models() -> list[type]:
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "status"), None)
        if field is not None and field.choices:
            found.append(model)
    return found


STATEFUL = _stateful_models()


def test_the_project_has_stateful_records():
    assert len(STATEFUL) >= 15


@pytest.mark.parametrize("model", STATEFUL, ids=lambda m: m._meta.label)
def test_the_transition_map_is_complete_and_every_status_is_reachable(model):
    assert hasattr(model, "TRANSITIONS"), f"{model._meta.label} has a status but no TRANSITIONS map"
    moves = {str(k): {str(t) for t in v} for k, v in model.TRANSITIONS.items()}
    statuses = {str(value) for value, _ in model._meta.get_field("status").flatchoices}
    initial = {str(s) for s in getattr(model, "INITIAL", moves.get("", set()))}
    assert initial, f"{model._meta.label} declares no INITIAL status"
    assert initial <= statuses
    assert set(moves) - {""} == statuses, "every status is a key of the map"
    for source, targets in moves.items():
        assert targets <= statuses, f"{source} → unknown {targets - statuses}"
    reached, todo = set(initial), list(initial)
    while todo:
        for target in moves.get(todo.pop(), set()):
            if target not in reached:
                reached.add(target)
                todo.append(target)
    assert reached == statuses, f"never reached: {sorted(statuses - reached)}"


@pytest.mark.parametrize("model", STATEFUL, ids=lambda m: m._meta.label)
def test_a_terminal_status_refuses_every_move_with_invalid_transition(model):
    moves = model.TRANSITIONS
    terminal = [s for s, targets in moves.items() if s and not targets]
    for status in terminal:
        record = model(status=status)
        for target in moves:
            if not target:
                continue
            with pytest.raises(InvalidTransition) as refused:
                check_transition(record, target)
            assert refused.value.code == "invalid_transition" and refused.value.status == 409
