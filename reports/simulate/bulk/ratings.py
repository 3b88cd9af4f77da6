"""Ratings (好差评) of the services and of decided cases, 差评 follow-ups and 12329
callbacks."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from ratings import conf as rating_conf
from ratings.models import HotlineCallback, Rating, RatingToken
from reports.simulate import profile
from reports.simulate.bulk._common import (
    BranchInfo,
    DayRows,
    _assign,
    _Context,
)
from reports.simulate.bulk.people import mobile, token
from rules.models import RuleKind
from workdays.calendar import CalendarNotPublished

BAD_COMMENTS = (
    "等了很久才叫到号。",
    "工作人员解释不清楚，让我来回跑。",
    "材料清单和网上说的不一样。",
    "态度不耐烦。",
    "办理太慢。",
)


def _ratings(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    day: date,
    served: list[tuple[dict[str, Any], BranchInfo]],
    ids: Callable[[Any, int], list[int]],
) -> None:
    score = ctx.rules(RuleKind.WINDOW_SCORE, day)
    levels = {lv.level: lv for lv in score.params.levels}
    hotline = ctx.rules(RuleKind.HOTLINE_CALLBACK, day)
    case_of_ticket = {c["ticket_id"]: c for c in rows.cases if c.get("ticket_id")}
    evaluator = timedelta(seconds=rating_conf.evaluator_timeout_seconds())
    qr_days = timedelta(days=rating_conf.qr_days())
    pending: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (token, rating)
    for t, branch in served:
        case = case_of_ticket.get(t["id"])
        window = branch.window_by_id[t["window_id"]]
        number = f"{branch.code}-{day:%Y%m%d}-{t['display_number']}"
        if rng.random() < profile.RATING_SHARE:
            counter = rng.random() < 0.88
            finished: datetime = t["finished_at"]
            rated = finished + (
                timedelta(seconds=rng.uniform(4, 40)) if counter else timedelta(minutes=rng.uniform(2, 600))
            )
            tok = {
                "token": token(rng),
                "channel": "counter" if counter else "qr",
                "service_kind": "visit",
                "ticket_id": t["id"],
                "branch_id": branch.id,
                "window_id": window.id,
                "created_at": finished,
                "expires_at": finished + (evaluator if counter else qr_days),
            }
            if rated < tok["expires_at"] and rated < ctx.as_of:
                rating = _rating(ctx, rng, levels, score.ref, tok, rated)
                rating.update(
                    ticket_id=t["id"],
                    staff_id=window.staff_id,
                    department_id=window.department_id,
                    matter_id=case["matter_id"] if case else None,
                    matter_name=case["_matter"].name if case else "",
                    category=t["category"],
                    service_number=number,
                    accepted_at=t["started_at"],
                    completed_at=finished,
                    rater_type="person",
                )
                pending.append((tok, rating))
        if case is None and t["category"] in hotline.params.categories:
            _callback(
                ctx,
                rows,
                rng,
                hotline.ref,
                service_kind="visit",
                ticket_id=t["id"],
                branch_id=branch.id,
                window_id=window.id,
                staff_id=window.staff_id,
                category=t["category"],
                service_number=number,
                finished=t["finished_at"],
            )
    for case in rows.cases:
        if not case.get("decided_at") or case.get("outcome") is None:
            continue
        category = case["_category"]
        decided: datetime = case["decided_at"]
        branch = case["_branch"]
        window = case["_window"]
        if category in hotline.params.categories:
            _callback(
                ctx,
                rows,
                rng,
                hotline.ref,
                service_kind="case",
                case_id=case["id"],
                branch_id=branch.id,
                window_id=case["window_id"],
                staff_id=case["first_responsible_id"],
                matter_id=case["matter_id"],
                matter_name=case["_matter"].name,
                category=category,
                service_number=case["receipt_no"],
                citizen_name=case["agent_name"] or case["applicant_name"],
                phone=case["agent_phone"] or case["applicant_phone"],
                finished=decided,
            )
        if rng.random() < ctx.spec.case_rating_share:
            rated = decided + timedelta(minutes=rng.uniform(30, 3 * 24 * 60))
            tok = {
                "token": token(rng),
                "channel": "online",
                "service_kind": "case",
                "case_id": case["id"],
                "branch_id": branch.id,
                "window_id": case["window_id"],
                "created_at": decided,
                "expires_at": decided + qr_days,
            }
            if rated < ctx.as_of:
                rating = _rating(
                    ctx, rng, levels, ctx.rules(RuleKind.WINDOW_SCORE, _local(ctx, rated)).ref, tok, rated
                )
                rating.update(
                    case_id=case["id"],
                    staff_id=case["first_responsible_id"],
                    department_id=case["department_id"],
                    matter_id=case["matter_id"],
                    matter_name=case["_matter"].name,
                    category=category,
                    service_number=case["receipt_no"],
                    accepted_at=case["accepted_at"] or case["received_at"],
                    completed_at=decided,
                    rater_type="employer" if case["applicant_kind"] == "employer" else "person",
                )
                pending.append((tok, rating))
    _assign(ids, RatingToken, [tok for tok, _ in pending])
    rows.tokens.extend(tok for tok, _ in pending)
    for tok, rating in pending:
        rating["token_id"] = tok["id"]
        rating.setdefault("window_id", tok["window_id"])
    ratings = [r for _, r in pending]
    _assign(ids, Rating, ratings)
    rows.ratings.extend(ratings)
    _assign(ids, HotlineCallback, rows.callbacks)
    for rating in ratings:
        if rating["is_bad"]:
            _follow_up(ctx, rows, rng, rating=rating)
    for cb in rows.callbacks:
        if "dissatisfied" in (cb.get("attitude"), cb.get("efficiency")) or cb.get("ran_back"):
            _follow_up(ctx, rows, rng, callback=cb)


def _local(ctx: _Context, moment: datetime) -> date:
    return moment.astimezone(ctx.tz).date()


def _rating(
    ctx: _Context, rng: random.Random, levels: dict[int, Any], ref: str, tok: dict[str, Any], rated: datetime
) -> dict[str, Any]:
    level = profile.rating_level(rng)
    row = levels[level]
    reasons: list[str] = []
    comment = ""
    if row.bad:
        reasons = rng.sample(["attitude", "efficiency", "ran_back"], rng.randint(1, 2))
        comment = rng.choice(BAD_COMMENTS)
    return {
        "service_kind": tok["service_kind"],
        "channel": tok["channel"],
        "level": level,
        "level_label": row.label,
        "is_bad": row.bad,
        "reasons": reasons,
        "comment": comment,
        "contact_phone": mobile(rng) if row.bad and rng.random() < 0.6 else "",
        "branch_id": tok["branch_id"],
        "window_id": tok["window_id"],
        "rated_at": rated,
        "rated_on": _local(ctx, rated),
        "rules_ref": ref,
    }


def _callback(
    ctx: _Context, rows: DayRows, rng: random.Random, ref: str, *, finished: datetime, **fields: Any
) -> None:
    """A 12329 callback (004 §五 一), worked by the hotline some days after the service."""
    row: dict[str, Any] = {
        **fields,
        "service_completed_at": finished,
        "service_on": _local(ctx, finished),
        "rules_ref": ref,
        "created_at": finished,
    }
    row.setdefault("phone", "")
    called = finished + timedelta(days=rng.randint(1, 5), minutes=rng.uniform(0, 480))
    r = rng.random()
    if called >= ctx.as_of or r < 0.02:
        row.update(status="pending", attempts=0)
    elif r < 0.09:
        row.update(status="unreachable", attempts=3)
    elif r < 0.12:
        row.update(status="refused", attempts=1, answered_at=called, operator_id=ctx.org.office_user_id)
    else:
        levels = ("very_satisfied", "satisfied", "dissatisfied")
        attitude = rng.choices(levels, (80, 17, 3))[0]
        efficiency = rng.choices(levels, (76, 20, 4))[0]
        row.update(
            status="completed",
            attempts=rng.randint(1, 2),
            attitude=attitude,
            efficiency=efficiency,
            ran_back=rng.random() < 0.02,
            favours=False,
            dissatisfied_reason="办理时间过长，来回跑了两次。"
            if "dissatisfied" in (attitude, efficiency)
            else "",
            answered_at=called,
            operator_id=ctx.org.office_user_id,
        )
    rows.callbacks.append(row)


def _follow_up(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    *,
    rating: dict[str, Any] | None = None,
    callback: dict[str, Any] | None = None,
) -> None:
    """The follow-up a bad rating or an unsatisfied callback opens (rating_followup rule set)."""
    source = rating or callback
    assert source is not None
    at: datetime = source["rated_at"] if rating else source["answered_at"]
    opened_on = _local(ctx, at)
    rules = ctx.rules(RuleKind.RATING_FOLLOWUP, opened_on)
    try:
        contact_due = ctx.cal.add_workdays(opened_on, rules.params.contact_working_days)
        rectify_due = ctx.cal.add_workdays(opened_on, rules.params.rectify_working_days)
        pending_year = None
    except CalendarNotPublished as exc:
        contact_due = rectify_due = None
        pending_year = exc.year
    if rating:
        labels = {"attitude": "服务态度差", "efficiency": "办事效率低", "ran_back": "跑回头路（多次跑）"}
        problem = "、".join([rating["level_label"], *(labels[r] for r in rating["reasons"])])
        if rating["comment"]:
            problem += f"：{rating['comment']}"
    else:
        problem = "12329回访不满意：" + (source.get("dissatisfied_reason") or "跑回头路")
    row: dict[str, Any] = {
        "rating_id": rating["id"] if rating else None,
        "callback_id": callback["id"] if callback else None,
        "branch_id": source["branch_id"],
        "staff_id": source.get("staff_id"),
        "window_id": source.get("window_id"),
        "opened_on": opened_on,
        "problem": problem[:300],
        "contact_due": contact_due,
        "rectify_due": rectify_due,
        "due_pending_year": pending_year,
        "rules_ref": rules.ref,
        "created_at": at,
        "status": "open",
    }
    contacted = at + timedelta(hours=rng.uniform(2, 40))
    rectified = contacted + timedelta(days=rng.uniform(1, 6))
    closed = rectified + timedelta(days=rng.uniform(1, 4))
    if contacted < ctx.as_of:
        row.update(
            status="contacted",
            contacted_at=contacted,
            contact_method=rng.choice(("phone", "sms", "in_person")),
            contact_note="已联系评价人，了解具体情况。",
            verdict=rng.choices(("substantiated", "partly", "unfounded"), (45, 30, 25))[0],
            finding="经调取监控和业务记录核实。",
        )
        if rectified < ctx.as_of:
            row.update(
                status="rectified",
                rectification="对窗口人员进行批评教育，优化材料告知。",
                rectified_at=rectified,
            )
            row["public_summary"] = "已核实并整改。"
            if closed < ctx.as_of:
                row.update(
                    status="closed",
                    satisfaction=rng.choices(("satisfied", "basic", "dissatisfied"), (70, 22, 8))[0],
                    satisfaction_note="回访评价人。",
                    closed_at=closed,
                )
    rows.follow_ups.append(row)
