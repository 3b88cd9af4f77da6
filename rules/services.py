"""Writes of rule sets: revising a rule set and adopting an alternative.

History is not rewritten: past periods keep the rules they had. A new version takes
effect on a date after today and closes the version of its kind that would otherwise
still run then (`effective_to` = the new date); it may not start before that version
started. Every write is one transaction with its audit event.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from audit.services import audit_record
from common import clock
from common.actors import Actor, user_or_none
from common.errors import Conflict, DomainError
from rules.loader import BundledRuleSet, Outcome, Recorder
from rules.models import RuleKind, RuleSet
from rules.validation import canonical_interpretations, canonical_params


def _latest_locked(code: str) -> RuleSet:
    row = RuleSet.objects.select_for_update().filter(code=code).order_by("-version").first()
    if row is None:
        raise DomainError(f"没有代码为 {code} 的规则集。", code="rule_set_not_found", status=404)
    return row


def _open_version(kind: str) -> RuleSet | None:
    """The last adopted version of a kind: the only one without an end date."""
    return (
        RuleSet.objects.select_for_update()
        .filter(kind=kind, effective_from__isnull=False, effective_to__isnull=True)
        .first()
    )


def _code_is_current(code: str, today: date) -> bool:
    """Whether a version of `code` is in force today or scheduled to take effect."""
    return (
        RuleSet.objects.filter(code=code, effective_from__isnull=False)
        .filter(
            Q(effective_to__isnull=True)
            | (Q(effective_to__gt=today) & Q(effective_to__gt=F("effective_from")))
        )
        .exists()
    )


def _supersede(kind: str, start: date) -> RuleSet | None:
    """Close the version of `kind` that would still run on `start`; refuse the past."""
    today = clock.today()
    if start <= today:
        raise DomainError(
            f"生效日期 {start:%Y-%m-%d} 必须晚于今天（{today:%Y-%m-%d}）："
            "今天及以前的期间保留当时的规则，历史不改写。",
            code="rule_set_effective_past",
            field="effective_from",
        )
    previous = _open_version(kind)
    if previous is None:
        return None
    assert previous.effective_from is not None
    if start < previous.effective_from:
        raise DomainError(
            f"生效日期 {start:%Y-%m-%d} 不能早于现行（或已排定）版本 {previous.ref} 的生效日期 "
            f"{previous.effective_from:%Y-%m-%d}。",
            code="rule_set_effective_too_early",
            field="effective_from",
        )
    previous.effective_to = start
    previous.save(update_fields=["effective_to"])
    return previous


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out.update(_flatten(item, f"{prefix}[{index}]"))
        return out or {prefix: []}
    return {prefix: value}


def params_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed leaves as {"levels[0].points": [old, new]} (None = absent)."""
    old, new = _flatten(before), _flatten(after)
    return {
        key: [old.get(key), new.get(key)]
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key)
    }


def _create_version(
    *,
    actor: Actor,
    base: RuleSet,
    effective_from: date | None,
    params: dict[str, Any],
    interpretations: list[dict[str, str]],
    name: str,
    source: str,
    note: str,
) -> RuleSet:
    try:
        with transaction.atomic():
            return RuleSet.objects.create(
                kind=base.kind,
                code=base.code,
                version=base.version + 1,
                name=name,
                source=source,
                effective_from=effective_from,
                params=params,
                interpretations=interpretations,
                created_by=user_or_none(actor),
                note=note,
            )
    except IntegrityError:
        # Another administrator revised this kind at the same moment (PostgreSQL lets
        # both read the old timeline); the constraints keep it consistent, we say why.
        raise Conflict("另一位管理员刚刚修订了同一类别的规则集，请刷新后重试。") from None


def _changes(previous: RuleSet | None, row: RuleSet, base: RuleSet) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "code": row.code,
        "version": [base.version, row.version],
        "effective_from": row.effective_from.isoformat() if row.effective_from else None,
        "params": params_diff(base.params, row.params),
    }
    if base.interpretations != row.interpretations:
        changes["interpretations"] = [len(base.interpretations), len(row.interpretations)]
    if previous is not None:
        changes["superseded"] = previous.ref
        changes["superseded_effective_to"] = [
            None,
            row.effective_from.isoformat() if row.effective_from else None,
        ]
    return changes


@transaction.atomic
def rule_set_revise(
    *,
    actor: Actor,
    code: str,
    params: Any,
    effective_from: date | None,
    note: str,
    interpretations: Any = None,
    name: str | None = None,
    source: str | None = None,
) -> RuleSet:
    """A new version of rule set `code` with `params`, in force from `effective_from`
    (after today; it closes the version of the kind running then). An alternative that
    is not in force may be revised without a date: the new version stays an alternative.
    Interpretations, name and source carry over unless given."""
    base = _latest_locked(code)
    canonical = canonical_params(base.kind, params)
    interp = base.interpretations if interpretations is None else canonical_interpretations(interpretations)
    name, source = (name or base.name).strip(), (source or base.source).strip()
    if not note.strip():
        raise DomainError("请填写修订说明（改了什么、依据什么）。", field="note")
    today = clock.today()
    current = _code_is_current(code, today)
    unchanged = (canonical, interp, name, source) == (
        base.params,
        base.interpretations,
        base.name,
        base.source,
    )
    if unchanged and (current or effective_from is None):
        raise DomainError("内容与最新版本相同，无需修订。", code="rule_set_unchanged", field="params")
    if effective_from is None and current:
        raise DomainError(
            "该规则集正在执行或已排定生效，修订时必须填写生效日期。",
            code="rule_set_date_required",
            field="effective_from",
        )
    previous = None if effective_from is None else _supersede(base.kind, effective_from)
    row = _create_version(
        actor=actor,
        base=base,
        effective_from=effective_from,
        params=canonical,
        interpretations=interp,
        name=name,
        source=source,
        note=note.strip(),
    )
    when = f"自 {effective_from:%Y-%m-%d} 起生效" if effective_from else "作为备选，未采用"
    audit_record(
        actor=actor,
        action="rules.rule_set.revise",
        obj=row,
        summary=f"修订规则集 {row.code}：第{row.version}版，{when}。{note.strip()}",
        changes=_changes(previous, row, base),
    )
    return row


@transaction.atomic
def rule_set_adopt(*, actor: Actor, code: str, effective_from: date, note: str = "") -> RuleSet:
    """Switch the kind of `code` to that rule set from `effective_from` (after today):
    a new version with the params of its latest one; the earlier period keeps the set
    it had."""
    base = _latest_locked(code)
    running = _open_version(base.kind)
    if running is not None and running.code == code:
        raise DomainError(
            f"{code} 已是“{RuleKind(base.kind).label}”的现行（或已排定）规则集；要改参数请用“修订”。",
            code="rule_set_already_adopted",
        )
    previous = _supersede(base.kind, effective_from)
    note = note.strip() or f"自 {effective_from:%Y-%m-%d} 起采用"
    row = _create_version(
        actor=actor,
        base=base,
        effective_from=effective_from,
        params=base.params,
        interpretations=base.interpretations,
        name=base.name,
        source=base.source,
        note=note,
    )
    replaced = f"，取代 {previous.ref}" if previous else ""
    audit_record(
        actor=actor,
        action="rules.rule_set.adopt",
        obj=row,
        summary=f"采用规则集 {row.code}（第{row.version}版）自 {effective_from:%Y-%m-%d} 起生效{replaced}",
        changes=_changes(previous, row, base),
    )
    return row


def record_bundled_load(actor: Actor) -> Recorder:
    """A `load_bundled` recorder writing one audit event per created rule set."""

    def record(row: RuleSet, item: BundledRuleSet, outcome: Outcome) -> None:
        audit_record(
            actor=actor,
            action="rules.rule_set.load",
            obj=row,
            summary=f"载入内置规则集 {row.code}（{item.path.name}）"
            + ("，作为备选" if row.effective_from is None else f"，自 {row.effective_from:%Y-%m-%d} 起生效"),
            changes={"file": item.path.name, "outcome": outcome.value, "version": row.version},
        )

    return record
