"""The daily patrol (002 篇4 二1 每日巡查, the 日常巡查值班记录表): recording a round with the
violations found (entered in the ledger), the duty leader's signature, voiding a wrong
one; and the monthly summary sent to the leaders for their sign-off (002 篇4 二2)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction

from audit.services import audit_record
from audit.transitions import InvalidTransition, transition
from common import clock
from common.actors import Actor, actor_label, forbidden, require_staff, user_or_none
from common.errors import Conflict
from org.access import has_role
from org.models import Branch, Role, Staff
from rules.models import RuleKind
from rules.selectors import rules_in_force
from supervision.models import (
    Capacity,
    Patrol,
    PatrolStatus,
    PatrolSummary,
    SummarySignature,
    SummaryStatus,
    Violation,
    ViolationSource,
)
from supervision.selectors import month_of, patrol_month_figures
from supervision.services._common import PATROL_ROLES, invalid, record_event, require
from supervision.services.violations import ViolationInput, violation_create, void_with_violations
from workdays.calendar import is_workday


@transaction.atomic
def patrol_record(
    *,
    actor: Actor,
    branch: Branch,
    day: date,
    round_code: str,
    duty_leader: Staff,
    patrol_staff: Sequence[Staff],
    violations: Sequence[ViolationInput] = (),
    note: str = "",
) -> Patrol:
    """Record one round of the daily patrol (巡查表的上午或下午栏) with what was found.
    The person recording signs as one of the patrol staff; the duty leader signs after."""
    require(actor, PATROL_ROLES, "登记巡查")
    me = require_staff(actor)
    today = clock.today()
    if day > today:
        raise invalid("巡查日期不能晚于今天。")
    if not is_workday(day):
        raise invalid(f"{day:%Y-%m-%d} 不是工作日，不需要巡查（002 篇4 二1 每日巡查指每个工作日）。")
    rules = rules_in_force(RuleKind.FINES, day)
    rounds = {r.code: r.label for r in rules.params.patrol.rounds}
    if round_code not in rounds:
        raise invalid(f"巡查时段应为：{'、'.join(rounds.values())}。")
    if not branch.is_active:
        raise invalid(f"{branch}已停用。")
    if not duty_leader.is_active:
        raise invalid(f"值日领导{duty_leader.name}不在岗。")
    members = {s.pk: s for s in patrol_staff if s.is_active}
    members.setdefault(me.pk, me)
    for v in violations:
        if v.window is not None and v.window.branch_id != branch.pk:
            raise invalid(f"{v.window}不属于{branch}。")
    patrol = Patrol(
        branch=branch,
        day=day,
        round=round_code,
        round_label=rounds[round_code],
        duty_leader=duty_leader,
        nothing_found=not violations,
        note=note.strip(),
        status=PatrolStatus.RECORDED,
        recorded_by=user_or_none(actor),
        rules_ref=rules.ref,
    )
    try:
        with transaction.atomic():
            patrol.save()
    except IntegrityError:
        raise Conflict(
            f"{branch} {day:%Y-%m-%d} {rounds[round_code]}已经登记过，请在原记录中补充。"
        ) from None
    patrol.patrol_staff.set(list(members.values()))
    for v in violations:
        violation_create(
            actor=actor,
            params=rules.params,
            rules_ref=rules.ref,
            item_code=v.item_code,
            occurred_on=day,
            source=ViolationSource.PATROL,
            staff=v.staff,
            offender_name=v.offender_name,
            window=v.window,
            patrol=patrol,
            source_ref=f"{day:%Y-%m-%d} {rounds[round_code]}",
            note=v.note,
        )
    names = "、".join(s.name for s in members.values())
    record_event(
        patrol,
        actor=actor,
        note=f"巡查人员：{names}；" + (f"发现 {len(violations)} 处违规" if violations else "未发现问题"),
        created=True,
    )
    audit_record(
        actor=actor,
        action="supervision.patrol.record",
        obj=patrol,
        summary=f"{patrol}：" + (f"{len(violations)} 处违规" if violations else "未发现问题"),
        changes={"items": [v.item_code for v in violations]},
    )
    return patrol


@transaction.atomic
def patrol_add_violation(*, actor: Actor, patrol: Patrol, violation: ViolationInput) -> Violation:
    """Add a line to a patrol not yet signed by the duty leader."""
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    me = require_staff(actor)
    if not (has_role(actor, Role.OFFICE) or patrol.patrol_staff.filter(pk=me.pk).exists()):  # type: ignore[arg-type]
        raise forbidden("只有本次巡查人员或业务管理处可以补充违规记录。")
    if patrol.status != PatrolStatus.RECORDED:
        raise Conflict("值日领导已签字或记录已作废，不能再补充；请另行登记。")
    if violation.window is not None and violation.window.branch_id != patrol.branch_id:
        raise invalid(f"{violation.window}不属于{patrol.branch}。")
    rules = rules_in_force(RuleKind.FINES, patrol.day)
    line = violation_create(
        actor=actor,
        params=rules.params,
        rules_ref=rules.ref,
        item_code=violation.item_code,
        occurred_on=patrol.day,
        source=ViolationSource.PATROL,
        staff=violation.staff,
        offender_name=violation.offender_name,
        window=violation.window,
        patrol=patrol,
        source_ref=f"{patrol.day:%Y-%m-%d} {patrol.round_label}",
        note=violation.note,
    )
    if patrol.nothing_found:
        patrol.nothing_found = False
        patrol.save(update_fields=["nothing_found"])
    return line


@transaction.atomic
def patrol_sign(*, actor: Actor, patrol: Patrol, opinion: str = "") -> Patrol:
    """The duty leader signs the patrol record (值日领导签字)."""
    me = require_staff(actor)
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if patrol.duty_leader_id != me.pk:
        raise forbidden(f"只有本次值日领导（{patrol.duty_leader.name}）可以签字。")
    patrol.signed_at = clock.now()
    patrol.signed_by = user_or_none(actor)
    patrol.leader_opinion = opinion.strip()[:300]
    transition(
        patrol,
        PatrolStatus.SIGNED,
        actor=actor,
        note=patrol.leader_opinion or "值日领导签字",
        fields=["signed_at", "signed_by", "leader_opinion"],
        audit="supervision.patrol.sign",
        summary=f"值日领导签字：{patrol}",
    )
    return patrol


@transaction.atomic
def patrol_void(*, actor: Actor, patrol: Patrol, reason: str) -> Patrol:
    """Void a patrol entered wrongly (wrong day, branch or round); its violations are
    reversed with the same reason."""
    require(actor, (Role.OFFICE,), "作废巡查记录")
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    return void_with_violations(
        patrol,
        PatrolStatus.VOIDED,
        actor=actor,
        reason=reason,
        violations=Violation.objects.active().filter(patrol=patrol),
        because="巡查记录已作废",
        action="supervision.patrol.void",
    )


@transaction.atomic
def summary_submit(*, actor: Actor, month: date, note: str = "") -> PatrolSummary:
    """The office submits last month's patrol summary for the leaders' sign-off
    (002 篇4 二2). The figures are frozen in the summary; an earlier summary of the
    month still waiting for signatures is superseded."""
    require(actor, (Role.OFFICE,), "报送巡查月度汇总")
    month = month.replace(day=1)
    today = clock.today()
    if month > today.replace(day=1):
        raise invalid("不能报送尚未开始的月份。")
    rules = rules_in_force(RuleKind.FINES, month_of(month).end)
    snapshot = patrol_month_figures(month, today=today).as_json()
    for old in PatrolSummary.objects.select_for_update().filter(month=month, status=SummaryStatus.SUBMITTED):
        transition(
            old,
            SummaryStatus.SUPERSEDED,
            actor=actor,
            note="重新报送",
            audit="supervision.summary.supersede",
            summary=f"{old}已重新报送",
        )
    summary = PatrolSummary.objects.create(
        month=month,
        snapshot=snapshot,
        status=SummaryStatus.SUBMITTED,
        submitted_by=user_or_none(actor),
        submitted_by_label=actor_label(actor),
        note=note.strip(),
        rules_ref=rules.ref,
    )
    record_event(
        summary, actor=actor, note=note.strip() or rules.params.patrol.monthly_summary_to, created=True
    )
    audit_record(actor=actor, action="supervision.summary.submit", obj=summary, summary=f"报送{summary}")
    return summary


@transaction.atomic
def summary_sign(*, actor: Actor, summary: PatrolSummary, capacity: str, opinion: str) -> PatrolSummary:
    """A leader signs the summary as 分管领导 or 主要领导; with both it is 已签批."""
    require(actor, (Role.LEADER,), "签批巡查汇总")
    summary = PatrolSummary.objects.select_for_update().get(pk=summary.pk)
    if summary.status != SummaryStatus.SUBMITTED:
        raise InvalidTransition(f"此汇总{summary.get_status_display()}，不能签批。")
    if capacity not in Capacity.values:
        raise invalid("请选择以分管领导或主要领导身份签批。")
    opinion = opinion.strip()
    if not opinion:
        raise invalid("请填写签批意见（如“同意”）。")
    signatures = list(summary.signatures.all())
    if any(s.capacity == capacity for s in signatures):
        raise Conflict(f"{Capacity(capacity).label}已经签批过。")
    if any(s.leader_id == getattr(actor, "pk", None) for s in signatures):
        raise Conflict("同一位领导不能以两种身份签批。")
    SummarySignature.objects.create(
        summary=summary,
        capacity=capacity,
        leader=user_or_none(actor),
        leader_name=actor_label(actor),
        opinion=opinion,
    )
    what = f"{Capacity(capacity).label}签批：{opinion}"
    if len(signatures) + 1 == len(Capacity.values):
        transition(
            summary,
            SummaryStatus.SIGNED,
            actor=actor,
            note=what,
            audit="supervision.summary.sign",
            summary=f"{Capacity(capacity).label}签批：{opinion[:100]}",
        )
    else:
        record_event(summary, actor=actor, note=what)
        audit_record(
            actor=actor,
            action="supervision.summary.sign",
            obj=summary,
            summary=f"{Capacity(capacity).label}签批：{opinion[:100]}",
        )
    return summary
