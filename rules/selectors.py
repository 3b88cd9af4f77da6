"""Reading the rules in force. This is how every other app gets a regulation's numbers:

    rules = rules_in_force(RuleKind.COMPLAINT, case.received_on)
    limit = rules.params.complaint_class("general").reply_working_days
    complaint.rules_ref = rules.ref          # "handan-2021-complaint@1"

A period is scored with the rules in force in that period, so pass the business date
the rule applies to (the day of the rating, of the receipt, the last day of the quarter
…), not today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Literal, TypeVar, overload

from common.errors import DomainError
from rules.models import RuleKind, RuleSet
from rules.schemas import (
    CaseTimeLimitParams,
    ComplaintParams,
    ComplaintPenaltyParams,
    FinesParams,
    FirstInquiryParams,
    HotlineCallbackParams,
    RatingFollowupParams,
    RuleParams,
    StaffAppraisalParams,
    WindowScoreParams,
)

P = TypeVar("P", bound=RuleParams)


class NoRulesInForce(DomainError):
    code = "no_rules_in_force"
    status = 409


@dataclass(frozen=True)
class RulesInForce(Generic[P]):
    """The typed params of the version in force, with the row it came from."""

    rule_set: RuleSet
    params: P

    @property
    def ref(self) -> str:
        return self.rule_set.ref


def rule_set_in_force(kind: str, on: date) -> RuleSet:
    """The version of `kind` in force on `on`, or NoRulesInForce."""
    rows = list(RuleSet.objects.filter(kind=kind).in_force(on).order_by("-effective_from", "-pk")[:2])
    if not rows:
        label = RuleKind(kind).label if kind in RuleKind.values else kind
        raise NoRulesInForce(
            f"{on:%Y-%m-%d} 没有生效的“{label}”规则集，请系统管理员采用或修订规则集。",
            kind=kind,
            date=on.isoformat(),
        )
    if len(rows) > 1:  # excluded by the services and constraints; never pick one silently
        raise DomainError(f"{on:%Y-%m-%d} 有多个生效的“{kind}”规则集：{rows[0].ref}、{rows[1].ref}")
    return rows[0]


@overload
def rules_in_force(kind: Literal[RuleKind.WINDOW_SCORE], on: date) -> RulesInForce[WindowScoreParams]: ...
@overload
def rules_in_force(kind: Literal[RuleKind.COMPLAINT], on: date) -> RulesInForce[ComplaintParams]: ...
@overload
def rules_in_force(
    kind: Literal[RuleKind.CASE_TIME_LIMIT], on: date
) -> RulesInForce[CaseTimeLimitParams]: ...
@overload
def rules_in_force(kind: Literal[RuleKind.FIRST_INQUIRY], on: date) -> RulesInForce[FirstInquiryParams]: ...
@overload
def rules_in_force(
    kind: Literal[RuleKind.STAFF_APPRAISAL], on: date
) -> RulesInForce[StaffAppraisalParams]: ...
@overload
def rules_in_force(kind: Literal[RuleKind.FINES], on: date) -> RulesInForce[FinesParams]: ...
@overload
def rules_in_force(
    kind: Literal[RuleKind.COMPLAINT_PENALTY], on: date
) -> RulesInForce[ComplaintPenaltyParams]: ...
@overload
def rules_in_force(
    kind: Literal[RuleKind.HOTLINE_CALLBACK], on: date
) -> RulesInForce[HotlineCallbackParams]: ...
@overload
def rules_in_force(
    kind: Literal[RuleKind.RATING_FOLLOWUP], on: date
) -> RulesInForce[RatingFollowupParams]: ...
@overload
def rules_in_force(kind: RuleKind | str, on: date) -> RulesInForce[RuleParams]: ...
def rules_in_force(kind: RuleKind | str, on: date) -> RulesInForce[Any]:
    """The typed params of `kind` in force on `on` and their RuleSet row (for the
    version the caller records). NoRulesInForce (a DomainError) when none is."""
    row = rule_set_in_force(str(kind), on)
    return RulesInForce(rule_set=row, params=row.parsed())


def rule_set_latest(code: str) -> RuleSet:
    row = RuleSet.objects.filter(code=code).order_by("-version").first()
    if row is None:
        raise DomainError(f"没有代码为 {code} 的规则集。", code="rule_set_not_found", status=404)
    return row


def kind_timeline(kind: str) -> list[RuleSet]:
    """The adopted versions of a kind in the order they take effect."""
    return list(
        RuleSet.objects.filter(kind=kind, effective_from__isnull=False).order_by("effective_from", "pk")
    )
