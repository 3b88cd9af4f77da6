"""The written part of the yearly complaint analysis (000 §五(四)12 "详细调查分析产生原因，
查找工作中的薄弱点，提出预防纠正措施，报中心审议研究后开展整改落实"): the office drafts the
causes and measures, submits them to the centre; a leader adopts them or sends them back."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from audit.services import audit_record
from audit.transitions import InvalidTransition, transition
from common import clock
from common.actors import Actor, actor_label
from common.errors import Conflict
from org.models import Role
from supervision.models import AnalysisStatus, ComplaintAnalysis
from supervision.services._common import invalid, record_event, require
from supervision.services.reviews import TEXT_MAX


@transaction.atomic
def complaint_analysis_save(*, actor: Actor, year: int, causes: str, measures: str) -> ComplaintAnalysis:
    """Write the office's causes and measures for the year's analysis (a draft)."""
    require(actor, (Role.OFFICE,), "投诉年度分析的原因分析与预防纠正措施")
    if not 2000 <= year <= clock.today().year:
        raise invalid(f"年度 {year} 无效：只能分析已开始的年度。", field="year")
    causes, measures = causes.strip(), measures.strip()
    for name, value in (("causes", causes), ("measures", measures)):
        if len(value) > TEXT_MAX * 2:
            raise invalid(f"内容不能超过{TEXT_MAX * 2}字。", field=name)
    analysis = ComplaintAnalysis.objects.select_for_update().filter(year=year).first()
    now = clock.now()
    if analysis is None:
        try:
            with transaction.atomic():
                analysis = ComplaintAnalysis.objects.create(
                    year=year,
                    causes=causes,
                    measures=measures,
                    status=AnalysisStatus.DRAFT,
                    created_at=now,
                    updated_at=now,
                    updated_by_label=actor_label(actor),
                )
        except IntegrityError:
            raise Conflict("该年度的分析刚由他人创建，请刷新页面后再修改。", code="analysis_exists") from None
        record_event(analysis, actor=actor, note="创建", created=True)
        audit_record(
            actor=actor,
            action="supervision.complaint_analysis.create",
            obj=analysis,
            summary=f"起草{analysis}",
            changes={"causes": [None, causes], "measures": [None, measures]},
        )
        return analysis
    if analysis.status != AnalysisStatus.DRAFT:
        raise InvalidTransition(f"{analysis}{analysis.get_status_display()}，不能再修改。")
    before = {"causes": analysis.causes, "measures": analysis.measures}
    after = {"causes": causes, "measures": measures}
    changed = [k for k in after if before[k] != after[k]]
    if not changed:
        return analysis
    analysis.causes, analysis.measures = causes, measures
    analysis.updated_at = now
    analysis.updated_by_label = actor_label(actor)
    analysis.save(update_fields=[*changed, "updated_at", "updated_by_label"])
    audit_record(
        actor=actor,
        action="supervision.complaint_analysis.update",
        obj=analysis,
        summary=f"修改{analysis}",
        changes={k: [before[k], after[k]] for k in changed},
    )
    return analysis


@transaction.atomic
def complaint_analysis_submit(*, actor: Actor, analysis: ComplaintAnalysis) -> ComplaintAnalysis:
    """报中心审议 (§12): the office submits the analysis to the centre's leaders."""
    require(actor, (Role.OFFICE,), "报中心审议")
    analysis = ComplaintAnalysis.objects.select_for_update().get(pk=analysis.pk)
    if not analysis.causes.strip() or not analysis.measures.strip():
        raise invalid("报中心审议前请写明原因分析和预防纠正措施（000 §五(四)12）。")
    analysis.submitted_at = analysis.updated_at = clock.now()
    transition(
        analysis,
        AnalysisStatus.SUBMITTED,
        actor=actor,
        fields=("submitted_at", "updated_at"),
        audit="supervision.complaint_analysis.submit",
        summary=f"{analysis}报中心审议",
    )
    return analysis


@transaction.atomic
def complaint_analysis_decide(
    *, actor: Actor, analysis: ComplaintAnalysis, approve: bool, opinion: str
) -> ComplaintAnalysis:
    """The centre's leader adopts the analysis (整改落实 starts) or sends it back."""
    require(actor, (Role.LEADER,), "投诉年度分析的审议")
    analysis = ComplaintAnalysis.objects.select_for_update().get(pk=analysis.pk)
    opinion = opinion.strip()
    if not approve and not opinion:
        raise invalid("退回修改时请写明审议意见。", field="opinion")
    to = AnalysisStatus.APPROVED if approve else AnalysisStatus.DRAFT
    now = clock.now()
    analysis.opinion = opinion
    analysis.decided_at = analysis.updated_at = now
    analysis.decided_by_label = actor_label(actor)
    transition(
        analysis,
        to,
        actor=actor,
        note=opinion,
        fields=("opinion", "decided_at", "decided_by_label", "updated_at"),
        audit="supervision.complaint_analysis.decide",
        summary=f"{analysis}{'审议通过' if approve else '退回修改'}：{opinion}"[:500],
    )
    return analysis
