"""考核评价 API: the window score (000 §五(五)) and the quarterly appraisal (002 篇2).

* `GET /api/v1/scores/windows?period=2026-03|2026-Q1|2026[&by=staff][&branch=HD01]` —
  citizen part, supervision part with its three inspection types, total and rank per
  branch. Office, leaders, inspectors, administrators: every branch; a department head:
  the own branch.
* `GET /api/v1/appraisals?quarter=2026-Q1` — section scores, peer review, bonuses, total,
  rank, grade and flags. Published quarters answer the published results; an open one
  answers the results as they stand (`published: false`). Office, leaders and
  administrators see everybody, a department head the own branch, anybody else their
  own row only.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from appraisal import selectors
from appraisal.models import QuarterStatus
from common.actors import staff_of
from common.api import errors
from common.errors import DomainError
from common.periods import InvalidPeriod, parse_period
from org.access import branch_scope, has_role, require_roles
from org.auth import bearer_or_session
from org.models import Branch, Role

router = Router()


class InspectionPartOut(Schema):
    code: str
    label: str
    weight: int
    count: int
    mean_percent: Decimal | None
    points: Decimal
    uninspected: bool


class SupervisionOut(Schema):
    weight: int
    total: Decimal
    parts: list[InspectionPartOut]


class WindowScoreOut(Schema):
    unit: str
    unit_id: int
    label: str
    branch_code: str
    branch: str
    citizen: Decimal | None
    citizen_counted: int
    citizen_merged: int = Field(
        0, description="同一业务（一次来访及由此受理的办件）已有先作出的评价计分而不重复计分的评价条数"
    )
    citizen_excluded: int = Field(0, description="经核准为误评、恶意评价而不计分的评价条数")
    supervision: SupervisionOut
    total: Decimal | None
    rank: int | None
    flags: list[str]


class WindowScoresOut(Schema):
    period: str
    period_label: str
    start: str
    end: str
    by: str
    rules_ref: str
    citizen_available: bool
    citizen_note: str
    rows: list[WindowScoreOut]


@router.get(
    "/scores/windows",
    response={200: WindowScoresOut, **errors(401, 403, 409, 422)},
    auth=bearer_or_session,
    summary="服务窗口评价得分",
    description=(
        "期间（period）：2026-03（月）、2026-Q1（季度）或 2026（年）。"
        "职工评价80分 + 监督检查20分（日常10、突击5、上级领导5）；"
        "某类检查期内未进行的按满分计并标注“未检查”；没有计入评价的不计总分、不排名。"
        "by=staff 为每名窗口工作人员"
        "（管理部日常考核表）。"
    ),
)
def scores_windows(request: HttpRequest, period: str, by: str = "window", branch: str = "") -> dict:
    require_roles(request.user, (Role.OFFICE, Role.LEADER, Role.HEAD, Role.INSPECTOR, Role.ADMIN))
    try:
        p = parse_period(period)
    except InvalidPeriod as exc:
        raise DomainError(f"period：{exc}", code="invalid_input") from None
    if by not in ("window", "staff"):
        raise DomainError("by 应为 window 或 staff。", code="invalid_input")
    scope = branch_scope(request.user)
    if branch:
        row = Branch.objects.filter(code=branch).first()
        if row is None:
            raise DomainError(f"branch：没有代码为 {branch} 的管理部。", code="invalid_input")
        if scope is not None and row.pk not in scope:
            raise DomainError("您只能查看本管理部的评分。", code="forbidden", status=403)
        scope = frozenset({row.pk})
    table = selectors.window_score_table(p, by=by, branch_ids=scope)  # type: ignore[arg-type]
    codes = dict(Branch.objects.values_list("pk", "code"))
    return {
        "period": p.key,
        "period_label": p.label,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "by": by,
        "rules_ref": table.rules_ref,
        "citizen_available": table.citizen_available,
        "citizen_note": table.citizen_note,
        "rows": [
            {
                "unit": by,
                "unit_id": r.unit_id,
                "label": r.label,
                "branch_code": codes.get(r.group_id, "") if r.group_id is not None else "",
                "branch": r.group_label,
                "citizen": r.citizen,
                "citizen_counted": r.citizen_counted,
                "citizen_merged": r.citizen_merged,
                "citizen_excluded": r.citizen_excluded,
                "supervision": {
                    "weight": r.supervision.weight,
                    "total": r.supervision.total,
                    "parts": [p.__dict__ for p in r.supervision.parts],
                },
                "total": r.total,
                "rank": r.rank,
                "flags": list(r.flags),
            }
            for r in table.rows
        ],
    }


class SectionOut(Schema):
    code: str
    name: str
    base: int
    score: int
    deducted: int
    peer: int


class PeerOut(Schema):
    counted: int
    total: int
    deduction: int


class AppraisalOut(Schema):
    staff_no: str
    name: str
    branch: str
    sections: list[SectionOut]
    peer: PeerOut
    bonus: int
    total: int
    rank: int
    grade: str
    grade_label: str
    valid_complaint: bool
    veto_applied: bool
    return_to_unit: bool
    flags: list[str]


class AppraisalsOut(Schema):
    quarter: str
    published: bool
    publication: int
    rules_ref: str
    rows: list[AppraisalOut]


@router.get(
    "/appraisals",
    response={200: AppraisalsOut, **errors(401, 403, 404, 409, 422)},
    auth=bearer_or_session,
    summary="窗口工作人员季度考核",
    description="quarter：2026-Q1。已公示的季度返回公示结果；考核中的季度返回按当前记录计算的结果（published=false）。",
)
def appraisals(request: HttpRequest, quarter: str) -> dict:
    require_roles(request.user, tuple(Role))
    quarter_row = selectors.quarter_by_key(quarter)
    me = staff_of(request.user)
    everyone = has_role(request.user, Role.OFFICE, Role.LEADER, Role.ADMIN)
    scope = branch_scope(request.user)
    head = has_role(request.user, Role.HEAD)

    def allowed(staff_id: int, branch_id: int | None) -> bool:
        if everyone or (me is not None and me.pk == staff_id):
            return True
        return head and scope is not None and branch_id in scope

    rows = []
    if quarter_row.status == QuarterStatus.PUBLISHED:
        for r in selectors.current_results(quarter_row):
            if allowed(r.staff_id, r.staff.branch_id):
                rows.append(
                    {
                        "staff_no": r.staff_no,
                        "name": r.staff_name,
                        "branch": r.branch_name,
                        "sections": [
                            {k: s[k] for k in ("code", "name", "base", "score", "deducted", "peer")}
                            for s in r.sections
                        ],
                        "peer": r.peer,
                        "bonus": r.bonus,
                        "total": r.total,
                        "rank": r.rank,
                        "grade": r.grade_code,
                        "grade_label": r.grade_label,
                        "valid_complaint": r.valid_complaint,
                        "veto_applied": r.veto_applied,
                        "return_to_unit": r.return_to_unit,
                        "flags": list(r.flags),
                    }
                )
        current = selectors.current_results(quarter_row)
        ref = current[0].rules_ref if current else quarter_row.rules_ref
    else:
        preview = selectors.quarter_preview(quarter_row)
        if preview.error:
            raise DomainError(preview.error, code="appraisal_inputs_invalid", status=409)
        ref = preview.rules_ref
        for row in preview.rows:
            if allowed(row.staff.pk, row.staff.branch_id):
                res = row.result
                rows.append(
                    {
                        "staff_no": row.staff.staff_no,
                        "name": row.staff.name,
                        "branch": row.staff.branch.name if row.staff.branch else "",
                        "sections": [
                            {
                                "code": s.code,
                                "name": s.name,
                                "base": s.base,
                                "score": s.score,
                                "deducted": s.deducted,
                                "peer": s.peer_deduction,
                            }
                            for s in res.score.sections
                        ],
                        "peer": {
                            "counted": res.peer_counted,
                            "total": res.peer_total,
                            "deduction": res.score.peer_deduction,
                        },
                        "bonus": res.score.bonus,
                        "total": res.total,
                        "rank": res.rank,
                        "grade": res.grade_code,
                        "grade_label": res.grade_label,
                        "valid_complaint": res.valid_complaint,
                        "veto_applied": res.veto_applied,
                        "return_to_unit": res.return_to_unit,
                        "flags": list(res.flags),
                    }
                )
    return {
        "quarter": quarter_row.key,
        "published": quarter_row.status == QuarterStatus.PUBLISHED,
        "publication": quarter_row.publication,
        "rules_ref": ref,
        "rows": rows,
    }
