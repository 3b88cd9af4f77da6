"""Complaints of the day, numbered per day, with the state their age allows."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from complaints.models import Complaint, ComplaintSequence
from reports.simulate import profile
from reports.simulate.bulk._common import (
    BranchInfo,
    DayRows,
    _assign,
    _at,
    _Context,
    _later_workday,
    _workday_between,
)
from reports.simulate.bulk.people import mobile, person_name
from rules.models import RuleKind
from workdays.calendar import CalendarNotPublished

CHANNEL_WEIGHTS = {
    "hotline": 35,
    "phone": 15,
    "visit": 15,
    "web": 20,
    "letter": 5,
    "email": 3,
    "office_transfer": 4,
    "hotline_transfer": 3,
}
CLASS_WEIGHTS = {"major": 5, "general": 70, "invalid": 25}
COMPLAINT_SUBJECTS = {
    "integrity": ("窗口人员索要好处", "办事要求请吃饭", "暗示收取费用"),
    "time_limit": ("提取业务超过承诺时限未办结", "贷款审批拖延", "补办件通知后迟迟未受理"),
    "irregular": ("要求提供清单以外的材料", "未一次性告知所需材料", "违规拒绝受理"),
    "service_rules": ("窗口人员态度生硬", "工作时间离岗无人", "排队叫号不按顺序", "窗口人员玩手机"),
}


def _complaints(
    ctx: _Context,
    rows: DayRows,
    rng: random.Random,
    day: date,
    served: list[tuple[dict[str, Any], BranchInfo]],
    ids: Callable[[Any, int], list[int]],
) -> None:
    """投诉 of 000 §五(四): about 1.5 per 1000 tickets, every channel, every class, each in
    the state its age gives it (received … archived), reply limits from the rule set."""
    n = profile.poisson(rng, len(rows.tickets) * profile.COMPLAINTS_PER_THOUSAND_TICKETS / 1000)
    if n == 0 or not served:
        return
    rules = ctx.rules(RuleKind.COMPLAINT, day)
    params = rules.params
    scope_codes = [s.code for s in params.scope]
    seq = ComplaintSequence.objects.filter(day=day).values_list("last", flat=True).first() or 0
    cal, as_of = ctx.cal, ctx.as_of
    for _ in range(n):
        t, branch = rng.choice(served)
        window = branch.window_by_id[t["window_id"]]
        seq += 1
        channel = rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
        klass = rng.choices(list(CLASS_WEIGHTS), list(CLASS_WEIGHTS.values()))[0]
        scope = rng.choice(scope_codes)
        subject = rng.choice(COMPLAINT_SUBJECTS.get(scope, COMPLAINT_SUBJECTS["service_rules"]))
        anonymous = channel == "web" and rng.random() < 0.2
        received = max(t["finished_at"], _at(ctx, day, rng.uniform(9 * 60, 17 * 60)))
        cls = params.complaint_class(klass)
        row: dict[str, Any] = {
            "no": f"TS{day:%Y%m%d}-{seq:04d}",
            "query_password_hash": ctx.password_hash,
            "channel": channel,
            "received_at": received,
            "received_on": day,
            "registered_by_id": ctx.org.office_user_id,
            "anonymous": anonymous,
            "complainant_name": "" if anonymous else person_name(rng),
            "complainant_phone": "" if anonymous else mobile(rng),
            "contact_preference": "online" if anonymous else "phone",
            "subject": subject,
            "content": f"{day:%m月%d日}在{t['display_number']}号办理业务时，{subject}。",
            "occurred_on": day,
            "place": "服务大厅",
            "branch_id": branch.id,
            "window_id": window.id,
            "department_id": window.department_id,
            "staff_id": window.staff_id,
            "scope_codes": [scope],
            "related_kind": "ticket",
            "related_ref": f"{branch.code}-{day:%Y%m%d}-{t['display_number']}",
            "rules_ref": rules.ref,
            "owner_id": ctx.org.office_staff_id,
            "round": 1,
        }
        accepted = received + timedelta(minutes=rng.uniform(20, 240))
        classified = accepted + timedelta(hours=rng.uniform(2, 30))
        start = day
        try:
            reply_due = cal.add_workdays(start, cls.reply_working_days)
            warn_on = (
                cal.add_workdays(start, cls.warn_working_days) if cls.warn_working_days is not None else None
            )
            pending = False
        except CalendarNotPublished:
            reply_due = warn_on = None
            pending = True
        row.update(
            clock_start_on=start, limit_days=cls.reply_working_days, reply_due=reply_due, warn_on=warn_on
        )
        row["deadline_pending"] = pending
        late = reply_due is not None and rng.random() < 0.06
        if klass == "invalid":
            replied = classified + timedelta(hours=rng.uniform(1, 4))
        elif reply_due is None:
            replied = classified + timedelta(days=rng.uniform(2, 6))
        else:
            reply_day = (
                _later_workday(ctx, reply_due, rng.randint(1, 3))
                if late
                else _workday_between(ctx, rng, day, reply_due)
            )
            replied = max(classified + timedelta(hours=2), _at(ctx, reply_day, rng.uniform(9 * 60, 17 * 60)))
        follow = replied + timedelta(days=rng.uniform(1, 5))
        archived = follow + timedelta(days=rng.uniform(5, 20))
        status = "received"
        if accepted < as_of:
            status = "accepted"
            row.update(accepted_at=accepted, limit_told_at=accepted, limit_told_via="电话告知")
        if classified < as_of:
            status = "classified"
            row.update(
                class_code=klass,
                is_valid=cls.valid,
                class_reason=f"经核实，定性为{cls.label}。",
                classified_at=classified,
            )
            if cls.valid:
                status = "handling"
                row.update(
                    responsible_department_id=window.department_id,
                    responsibility_analysis="窗口人员未严格执行服务规范。",
                    determined_at=classified + timedelta(hours=1),
                )
        if late and reply_due is not None:
            marked = _at(ctx, reply_due + timedelta(days=1), 40)
            if marked < as_of:
                row["overdue_marked_at"] = marked
        if replied < as_of:
            status = "follow_up"
            row["replied_at"] = replied
        if follow < as_of:
            status = "closed"
            row.update(
                satisfaction=rng.choices(
                    ("satisfied", "basic", "unsatisfied", "unreachable"), (75, 15, 5, 5)
                )[0],
                closed_at=follow,
            )
        if archived < as_of:
            status = "archived"
            row.update(archived_at=archived, archive_note="已按程序办结归档。")
        row["status"] = status
        rows.complaints.append(row)
    _assign(ids, Complaint, rows.complaints)
    rows.complaint_sequence.append({"day": day, "last": seq})
