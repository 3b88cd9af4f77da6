"""The cases (办件) of the day's services and of mail and online applications, and their
lives as of the end of the period: acceptance, deadline, supplements, refusals, joint
handling, escalation, extensions, decision, delivery and overdue findings."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from cases import deadlines
from cases.models import (
    Case,
    CaseSequence,
    CaseStatus,
)
from common import clock
from reports.simulate import profile
from reports.simulate.bulk._common import (
    OT,
    BranchInfo,
    C,
    DayRows,
    L,
    W,
    WindowInfo,
    _assign,
    _at,
    _Context,
    _later_workday,
    _workday_between,
)
from reports.simulate.bulk.people import company_name, credit_code, mobile, person_name, resident_id
from rules.models import RuleKind
from workdays.calendar import CalendarNotPublished

# 不予受理 with one legal ground of the case_time_limit rule set (never missing materials,
# which are a 补办件: 002 篇5 §二5).
REFUSAL = (
    "经查询，申请人本年度已办理过同一事由的提取，不符合《住房公积金管理条例》第二十四条及本中心提取管理办法规定的再次提取条件。",
    "《窗口办件工作规程》二、受理 第5条：申请事项不符合法定条件、"
    "窗口单位决定不予受理的，应当填写《退回件通知单》，"
    "当场交付当事人，并告知申请人不予受理的理由。",
    "conditions_not_met",
    "申请事项不符合法定条件",
)


def _cases(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    day: date,
    served: list[tuple[dict[str, Any], BranchInfo]],
    ids: Callable[[Any, int], list[int]],
) -> None:
    spec = ctx.spec
    p_case = min(1.0, spec.cases_per_ticket / (1 - profile.NO_SHOW_SHARE - profile.CANCEL_SHARE))
    sequences: dict[int, int] = {}
    for b in ctx.org.branches:
        sequences[b.id] = 0
    existing = dict(CaseSequence.objects.filter(day=day).values_list("branch_id", "last"))
    sequences.update(existing)
    plans: list[tuple[dict[str, Any], BranchInfo, dict[str, Any] | None]] = []
    for t, branch in served:
        if t["category"] == OT and rng.random() < 0.7:  # 综合 is mostly consultation
            continue
        if rng.random() >= p_case:
            continue
        plans.append((t, branch, None))
    # Cases applied for by mail or online: no ticket, registered by a teller during the day.
    open_today = {b.id for _, b, _ in plans}
    for _ in range(profile.poisson(rng, len(plans) * spec.online_case_share)):
        branch = rng.choice(ctx.org.branches)
        if branch.id not in open_today:
            continue
        plans.append(({}, branch, {"channel": rng.choice(("mail", "online"))}))
    params_rules = ctx.rules(RuleKind.CASE_TIME_LIMIT, day)
    p = params_rules.params
    for t, branch, extra in plans:
        category = t.get("category") or rng.choice((C, W, L))
        matter = rng.choice(ctx.org.matters[category] or ctx.org.matters[W])
        if t:
            window = branch.window_by_id[t["window_id"]]
            received = t["_started"] + rng.uniform(0.5, 2.0)
        else:
            window = rng.choice(branch.windows)
            received = rng.uniform(9 * 60, 16.5 * 60)
        sequences[branch.id] += 1
        receipt_no = f"{branch.code}-{day:%Y%m%d}-{sequences[branch.id]:04d}"
        employer = matter.employer
        received_at = _at(ctx, day, received)
        case: dict[str, Any] = {
            "receipt_no": receipt_no,
            "idempotency_key": uuid.UUID(int=rng.getrandbits(128), version=4),
            "branch_id": branch.id,
            "department_id": window.department_id,
            "window_id": window.id if t else None,
            "ticket_id": t.get("id"),
            "channel": (extra or {}).get("channel", "counter"),
            "matter_id": matter.id,
            "version_id": matter.version_id,
            "handling_type": matter.handling_type,
            "promised_days": matter.promised_days,
            "applicant_kind": "employer" if employer else "person",
            "applicant_name": company_name(rng) if employer else person_name(rng),
            "applicant_id_number": "" if employer else resident_id(rng, on=day),
            "applicant_credit_code": credit_code(rng) if employer else "",
            "applicant_phone": mobile(rng),
            "agent_name": person_name(rng) if employer else "",
            "agent_id_number": resident_id(rng, on=day) if employer else "",
            "agent_phone": mobile(rng) if employer else "",
            "received_at": received_at,
            "received_on": day,
            "first_responsible_id": window.staff_id,
            "registered_by_id": window.user_id,
            "query_password_hash": ctx.password_hash,
            "created_at": received_at,
            "delivery_method": rng.choices(("pickup", "mail", "electronic"), (75, 10, 15))[0],
            "_category": category,
            "_matter": matter,
            "_window": window,
            "_branch": branch,
        }
        if case["delivery_method"] == "mail":
            case["delivery_address"] = "邯郸市丛台区（示例地址）"
        rows.cases.append(case)
    _assign(ids, Case, rows.cases)
    for b_id, last in sequences.items():
        if last:
            rows.case_sequences.append({"branch_id": b_id, "day": day, "last": last})
    for case in rows.cases:
        _case_life(ctx, rows, rng, day, case, p, params_rules.ref)


def _case_life(
    ctx: _Context, rows: DayRows, rng: random.Random, day: date, case: dict[str, Any], p: Any, ref: str
) -> None:
    """Acceptance, the deadline, supplement / rejection / handover / escalation /
    extension, the decision and its delivery — as of the end of the period."""
    cal, as_of = ctx.cal, ctx.as_of
    window: WindowInfo = case["_window"]
    received_at: datetime = case["received_at"]
    user = window.user_id
    r = rng.random()
    if r < profile.REJECT_SHARE:
        case.update(
            status=CaseStatus.REJECTED,
            rejected_at=received_at + timedelta(minutes=rng.uniform(3, 15)),
            rejection_reason=REFUSAL[0],
            rejection_basis=REFUSAL[1],
            rejection_ground=REFUSAL[2],
            rejection_ground_label=REFUSAL[3],
        )
        return
    accepted_at, after_supplement = received_at, False
    if r < profile.REJECT_SHARE + profile.SUPPLEMENT_SHARE:
        completed_on = _later_workday(ctx, day, rng.randint(1, 4))
        completed_at = _at(ctx, completed_on, rng.uniform(9 * 60, 16.5 * 60))
        supplement = {
            "case_id": case["id"],
            "number": f"{case['receipt_no']}-B",
            "issued_at": received_at + timedelta(minutes=rng.uniform(3, 10)),
            "issued_by_id": user,
        }
        rows.supplements.append(supplement)
        if completed_at >= as_of:
            supplement["status"] = "open"
            case["status"] = CaseStatus.SUPPLEMENT
            return
        supplement.update(status="completed", completed_at=completed_at)
        accepted_at, after_supplement = completed_at, True
    accepted_on = clock.local_date(accepted_at)
    case.update(rules_ref=ref, accepted_at=accepted_at, accepted_on=accepted_on)
    offset = p.supplement_start_offset_days if after_supplement else p.receipt_start_offset_days
    try:
        deadline = deadlines.case_deadline(
            cal,
            accepted_on=accepted_on,
            promised_days=case["promised_days"],
            start_offset=offset,
            immediate_offset=p.immediate_due_offset_days,
        )
    except CalendarNotPublished as exc:
        case.update(status=CaseStatus.ACCEPTED, deadline_pending=True, pending_year=exc.year)
        return
    case.update(promised_deadline=deadline, deadline=deadline)
    immediate = case["promised_days"] == 0
    late = not immediate and rng.random() < profile.OVERDUE_SHARE
    no_reply = late and rng.random() < 0.2
    late = late and not no_reply
    if immediate:
        decided_at = accepted_at + timedelta(minutes=rng.uniform(2, 12))
    else:
        if (
            case["handling_type"] != "immediate"
            and rng.random() < profile.EXTENSION_SHARE
            and not (late or no_reply)
        ):
            deadline = _extension(ctx, rows, rng, case, accepted_on, deadline)
        decided_on = (
            _later_workday(ctx, deadline, rng.randint(1, 3))
            if late
            else _workday_between(ctx, rng, accepted_on, deadline)
        )
        decided_at = _at(ctx, decided_on, rng.uniform(8.75 * 60, 17.25 * 60))
        if decided_at <= accepted_at:
            decided_at = accepted_at + timedelta(minutes=rng.uniform(30, 120))
    running: str = CaseStatus.ACCEPTED
    if case["handling_type"] == "joint":
        running = _handover(ctx, rows, rng, case, accepted_at, decided_at, user)
    elif case["handling_type"] == "escalated":
        running = _escalation(ctx, rows, rng, case, accepted_at, decided_at, user, p, ref)
    found_at = _at(ctx, case["deadline"] + timedelta(days=1), 30)  # the nightly cases_sweep
    if decided_at >= as_of:
        case["status"] = running
        if case["deadline"] <= ctx.end and found_at < as_of:  # the deadline's day has ended
            _finding(rows, ctx, case, deadlines.LATE, found_at, p)
        return
    outcome = "approved" if rng.random() > 0.03 else "refused"
    if immediate:
        notified_at, method = decided_at, "in_person"
    elif no_reply:
        told_on = _later_workday(ctx, case["deadline"], rng.randint(1, 2))
        notified_at, method = _at(ctx, told_on, rng.uniform(9 * 60, 16 * 60)), "phone"
    else:
        notified_at = min(decided_at + timedelta(minutes=rng.uniform(5, 180)), _end_of(ctx, decided_at))
        method = rng.choice(("sms", "phone"))
    if case["delivery_method"] == "pickup" and not immediate:
        delivered_at = notified_at + timedelta(days=rng.randint(0, 3), minutes=rng.uniform(30, 240))
    else:
        delivered_at = notified_at + timedelta(minutes=rng.uniform(1, 30))
    case.update(
        outcome=outcome,
        result="准予办理，已办结。" if outcome == "approved" else "",
        refusal_reason="不符合《住房公积金管理条例》规定的条件。" if outcome == "refused" else "",
        transaction_no=f"YW{rng.randrange(10**14):014d}" if outcome == "approved" else "",
        decided_at=decided_at,
        decided_by_id=user,
        notified_at=notified_at if notified_at < as_of else None,
        notify_method=method if notified_at < as_of else "",
    )
    if delivered_at < as_of and notified_at < as_of:
        case.update(status=CaseStatus.DELIVERED, delivered_at=delivered_at, delivery_note="申请人本人领取")
    else:
        case["status"] = CaseStatus.COMPLETED
    if late and found_at < as_of:
        _finding(rows, ctx, case, deadlines.LATE, found_at, p)
    if no_reply and found_at < as_of:
        _finding(rows, ctx, case, deadlines.NO_REPLY, found_at, p)


def _end_of(ctx: _Context, moment: datetime) -> datetime:
    local = moment.astimezone(ctx.tz)
    return datetime.combine(local.date(), time(17, 30), tzinfo=ctx.tz) if local.hour < 17 else moment


def _finding(rows: DayRows, ctx: _Context, case: dict[str, Any], code: str, at: datetime, p: Any) -> None:
    text = next((c.text for c in p.overdue_conditions if c.code == code), code)
    rows.findings.append(
        {
            "case_id": case["id"],
            "code": code,
            "text": text,
            "found_at": at,
            "found_by": "cases_sweep",
            "deadline": case["deadline"],
            "rules_ref": case.get("rules_ref", ""),
        }
    )
    case["overdue"] = True


def _extension(
    ctx: _Context, rows: DayRows, rng: random.Random, case: dict[str, Any], accepted_on: date, deadline: date
) -> date:
    """An extension asked in time and approved (000 §五(二)4): the deadline moves."""
    try:
        granted = ctx.cal.add_workdays(deadline, max(3, case["promised_days"]))
    except CalendarNotPublished:
        return deadline
    asked_on = _workday_between(ctx, rng, accepted_on, deadline)
    asked = _at(ctx, asked_on, rng.uniform(9 * 60, 11 * 60))
    branch: BranchInfo = case["_branch"]
    window: WindowInfo = case["_window"]
    rows.extensions.append(
        {
            "case_id": case["id"],
            "number": 1,
            "status": "approved",
            "reason": "需调取申请人在异地的缴存和贷款信息，外地中心尚未回函。",
            "original_deadline": deadline,
            "requested_deadline": granted,
            "granted_deadline": granted,
            "explained_to_applicant": True,
            "explained_note": "已电话向申请人说明延期原因",
            "requested_at": asked,
            "requested_by_id": window.user_id,
            "head_opinion": "同意延期。",
            "head_by_id": branch.head_user_id,
            "head_at": asked + timedelta(hours=2),
            "leader_opinion": "同意。",
            "leader_by_id": ctx.org.leader_user_id,
            "leader_at": asked + timedelta(hours=4),
        }
    )
    case["deadline"] = granted
    return granted


def _handover(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    case: dict[str, Any],
    accepted_at: datetime,
    decided_at: datetime,
    user: int,
) -> str:
    """联办件: handed to a department involved, answered before the decision."""
    registered = accepted_at + timedelta(minutes=rng.uniform(20, 90))
    on = clock.local_date(registered)
    limit = max(1, case["promised_days"] - 1)
    try:
        due = ctx.cal.add_workdays_from_handover(on, limit)
    except CalendarNotPublished:
        due = None
    answered = max(registered + timedelta(minutes=30), decided_at - timedelta(hours=rng.uniform(1, 4)))
    departments = [
        d for d in ctx.org.centre_departments if d != case["department_id"]
    ] or ctx.org.centre_departments
    row = {
        "case_id": case["id"],
        "department_id": rng.choice(departments),
        "registered_at": registered,
        "registered_on": on,
        "registered_by_id": user,
        "limit_days": limit,
        "due_on": due,
        "due_pending": due is None,
        "note": "请在时限内提出审批意见。",
    }
    rows.handovers.append(row)
    if answered < ctx.as_of:
        row.update(
            status="answered",
            opinion="经核实，同意办理。",
            answered_at=answered,
            answered_by_id=ctx.org.office_user_id,
        )
        return CaseStatus.ACCEPTED
    row["status"] = "open"
    return CaseStatus.JOINT


def _escalation(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    case: dict[str, Any],
    accepted_at: datetime,
    decided_at: datetime,
    user: int,
    p: Any,
    ref: str,
) -> str:
    """上报件: forwarded to the higher authority, its reply before the decision."""
    forwarded = accepted_at + timedelta(minutes=rng.uniform(30, 120))
    on = clock.local_date(forwarded)
    explain_after = deadlines.escalation_explain_due(
        ctx.cal, on, p.escalated_explain_after_days, p.escalated_day_unit, p.escalated_start_offset_days
    )
    replied = max(forwarded + timedelta(hours=1), decided_at - timedelta(hours=rng.uniform(1, 4)))
    row = {
        "case_id": case["id"],
        "authority": "住房公积金管理委员会",
        "forwarded_at": forwarded,
        "forwarded_on": on,
        "forwarded_by_id": user,
        "note": "已审核，报管委会审批。",
        "explain_after": explain_after,
        "rules_ref": ref,
    }
    rows.escalations.append(row)
    if replied < ctx.as_of:
        row.update(status="replied", replied_at=replied, reply_note="管委会批复：同意。")
        return CaseStatus.ACCEPTED
    row["status"] = "forwarded"
    return CaseStatus.ESCALATED
