"""Bundled rule sets: one TOML file per rule set in `rules/bundled/`, read with tomllib.

Loading is idempotent and never silent about changes: a file whose code is not in the
database is created as version 1; a file whose content equals any stored version of its
code is skipped; a file that differs is reported as changed and only becomes a new
version through `manage.py load_rules --revise` (see docs/rules.md). The data migration
and the command share `load_bundled`, which takes the model class so that the
migration can pass its historical model (no app-registry import here).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from rules.validation import RuleParamsInvalid, canonical_interpretations, canonical_params

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"
_REQUIRED = {"kind", "code", "name", "source", "params", "interpretations"}
_OPTIONAL = {"effective_from", "note"}


class BundleError(ValueError):
    """A bundled file that cannot be loaded (syntax, missing key, invalid params)."""


@dataclass(frozen=True)
class BundledRuleSet:
    path: Path
    kind: str
    code: str
    name: str
    source: str
    effective_from: date | None
    note: str
    params: dict[str, Any]
    interpretations: list[dict[str, str]]

    def same_content(self, row: Any) -> bool:
        """Whether a stored version says what this file says (dates and notes aside)."""
        return (
            row.kind == self.kind
            and row.name == self.name
            and row.source == self.source
            and row.params == self.params
            and row.interpretations == self.interpretations
        )


def parse_bundled(path: Path) -> BundledRuleSet:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BundleError(f"{path.name}：TOML 语法错误：{exc}") from None
    missing, unknown = _REQUIRED - data.keys(), data.keys() - _REQUIRED - _OPTIONAL
    if missing or unknown:
        raise BundleError(f"{path.name}：缺少键 {sorted(missing)}，或有未知键 {sorted(unknown)}")
    effective = data.get("effective_from")
    if effective is not None and (not isinstance(effective, date) or isinstance(effective, datetime)):
        raise BundleError(f"{path.name}：effective_from 必须是日期（如 2021-07-21）")
    if path.stem != data["code"]:
        raise BundleError(f"{path.name}：文件名应为 code 加 .toml（{data['code']}.toml）")
    try:
        params = canonical_params(data["kind"], data["params"])
        interpretations = canonical_interpretations(data["interpretations"])
    except RuleParamsInvalid as exc:
        raise BundleError(f"{path.name}：{exc.message}") from None
    return BundledRuleSet(
        path=path,
        kind=data["kind"],
        code=data["code"],
        name=data["name"],
        source=data["source"].strip(),
        effective_from=effective,
        note=data.get("note", "").strip(),
        params=params,
        interpretations=interpretations,
    )


def read_bundled(directory: Path = BUNDLED_DIR) -> list[BundledRuleSet]:
    """Every bundled file, validated; at most one file per kind may carry a date."""
    bundle = [parse_bundled(path) for path in sorted(directory.glob("*.toml"))]
    adopted: dict[str, str] = {}
    for item in bundle:
        if item.effective_from is not None:
            if item.kind in adopted:
                raise BundleError(
                    f"{item.path.name} 与 {adopted[item.kind]} 属同一类别 {item.kind} 且都写了"
                    " effective_from：备选规则集不写生效日期"
                )
            adopted[item.kind] = item.path.name
    return bundle


class Outcome(StrEnum):
    CREATED = "created"
    ALTERNATIVE = "alternative"  # created without a date: its kind already has rules
    UNCHANGED = "unchanged"
    CHANGED = "changed"  # differs from every stored version; not applied


OUTCOME_LABELS = {
    Outcome.CREATED: "新建",
    Outcome.ALTERNATIVE: "新建为备选（该类别已有生效规则，需另行采用）",
    Outcome.UNCHANGED: "未变",
    Outcome.CHANGED: "已变更，未应用",
}

Recorder = Callable[[Any, BundledRuleSet, Outcome], None]


def load_bundled(
    rule_set_model: Any,
    *,
    record: Recorder | None = None,
    bundle: list[BundledRuleSet] | None = None,
) -> list[tuple[BundledRuleSet, Outcome]]:
    """Create the rule sets of files whose code is new; report the others."""
    results: list[tuple[BundledRuleSet, Outcome]] = []
    for item in read_bundled() if bundle is None else bundle:
        versions = list(rule_set_model.objects.filter(code=item.code))
        if versions:
            if any(v.kind != item.kind for v in versions):
                raise BundleError(f"{item.path.name}：代码 {item.code} 在数据库中属于另一类别")
            same = any(item.same_content(v) for v in versions)
            results.append((item, Outcome.UNCHANGED if same else Outcome.CHANGED))
            continue
        effective, outcome = item.effective_from, Outcome.CREATED
        if (
            effective is not None
            and rule_set_model.objects.filter(kind=item.kind, effective_from__isnull=False).exists()
        ):
            # Never overlap what is already scheduled for the kind: adopt it explicitly.
            effective, outcome = None, Outcome.ALTERNATIVE
        row = rule_set_model.objects.create(
            kind=item.kind,
            code=item.code,
            version=1,
            name=item.name,
            source=item.source,
            effective_from=effective,
            params=item.params,
            interpretations=item.interpretations,
            note=item.note,
        )
        if record is not None:
            record(row, item, outcome)
        results.append((item, outcome))
    return results
