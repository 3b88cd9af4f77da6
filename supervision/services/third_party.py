"""Third-party inspections (004 §四): registering the firm's quarterly report and its
findings, handing a finding to its branch as a 《问题交办函》 with a deadline, the branch's
《问题整改报告》 with the responsible person's 《个人检查》, and the office's acceptance
(验收销号) or return."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from audit.services import audit_record
from audit.transitions import InvalidTransition, transition
from common import clock
from common.actors import Actor, actor_label, forbidden, user_or_none
from common.errors import Conflict
from common.periods import Period
from org.models import Branch, Role, Staff, Window
from supervision import conf
from supervision.models import (
    AWAITING_ANSWER,
    IssueNotice,
    NoticeStatus,
    Rectification,
    ThirdPartyFinding,
    ThirdPartyReport,
    UploadOwner,
)
from supervision.selectors import is_branch_head
from supervision.services._common import attach_files, invalid, next_no, record_event, require


@transaction.atomic
def tp_report_register(
    *,
    actor: Actor,
    firm: str,
    year: int,
    quarter: int,
    received_on: date,
    methods: Sequence[str],
    summary: str = "",
) -> ThirdPartyReport:
    """Register the third party's quarterly report (004 §四)."""
    require(actor, (Role.OFFICE,), "登记第三方检查报告")
    if not firm.strip():
        raise invalid("请填写第三方机构名称。")
    if quarter not in (1, 2, 3, 4):
        raise invalid("季度应为 1–4。")
    if received_on > clock.today():
        raise invalid("收到报告日期不能晚于今天。")
    if Period.quarter(year, quarter).start > received_on:
        raise invalid("收到报告的日期早于所检查的季度。")
    known = {code for code, _ in conf.THIRD_PARTY_METHODS}
    if not methods or set(methods) - known:
        raise invalid("请选择检查方式（神秘客户体验调查、门前客户访问、现场检查）。")
    report = ThirdPartyReport.objects.create(
        no=next_no("DS", year, 3),
        firm=firm.strip(),
        year=year,
        quarter=quarter,
        received_on=received_on,
        methods=list(methods),
        summary=summary.strip(),
        registered_by=user_or_none(actor),
    )
    audit_record(
        actor=actor,
        action="supervision.tp_report.register",
        obj=report,
        summary=f"登记第三方检查报告：{report}",
    )
    return report


@transaction.atomic
def tp_finding_add(
    *,
    actor: Actor,
    report: ThirdPartyReport,
    branch: Branch,
    aspect: str,
    observed_on: date,
    description: str,
    window: Window | None = None,
    staff: Staff | None = None,
    firm_deduction: Any = None,
    photos: Iterable[UploadedFile] = (),
) -> ThirdPartyFinding:
    require(actor, (Role.OFFICE,), "登记第三方检查发现的问题")
    if aspect not in dict(conf.THIRD_PARTY_ASPECTS):
        raise invalid("请选择问题所属方面（内外环境、功能设置、服务形象、服务行为、业务办理）。")
    if not description.strip():
        raise invalid("请填写问题描述。")
    if window is not None and window.branch_id != branch.pk:
        raise invalid(f"{window}不属于{branch}。")
    if observed_on not in Period.quarter(report.year, report.quarter) or observed_on > clock.today():
        raise invalid(f"发现日期应在报告所检查的{report.year}年第{report.quarter}季度内，且不晚于今天。")
    finding = ThirdPartyFinding.objects.create(
        report=report,
        branch=branch,
        window=window,
        staff=staff,
        aspect=aspect,
        observed_on=observed_on,
        description=description.strip(),
        firm_deduction=firm_deduction,
    )
    attach_files(actor=actor, owner_type=UploadOwner.TP_FINDING, owner_id=finding.pk, files=photos)
    audit_record(
        actor=actor,
        action="supervision.tp_finding.add",
        obj=finding,
        summary=f"{report.no}：{branch} {description[:80]}",
    )
    return finding


@transaction.atomic
def notice_issue(
    *, actor: Actor, finding: ThirdPartyFinding, requirements: str, deadline: date
) -> IssueNotice:
    """Hand the finding to its branch as a 《问题交办函》 with a deadline."""
    require(actor, (Role.OFFICE,), "下达问题交办函")
    if IssueNotice.objects.filter(finding=finding).exists():
        raise Conflict("这个问题已经下达过交办函。")
    today = clock.today()
    if deadline <= today:
        raise invalid("整改期限应晚于今天。")
    if not requirements.strip():
        raise invalid("请填写整改要求。")
    notice = IssueNotice.objects.create(
        no=next_no("JB", today.year, 3),
        finding=finding,
        branch=finding.branch,
        requirements=requirements.strip(),
        issued_on=today,
        issued_by=user_or_none(actor),
        issued_by_label=actor_label(actor),
        deadline=deadline,
        status=NoticeStatus.ISSUED,
    )
    record_event(notice, actor=actor, note=f"交办{finding.branch}，整改期限{deadline:%Y-%m-%d}", created=True)
    audit_record(
        actor=actor,
        action="supervision.notice.issue",
        obj=notice,
        summary=f"问题交办函 {notice.no} → {finding.branch}，期限 {deadline:%Y-%m-%d}",
    )
    return notice


@transaction.atomic
def notice_answer(
    *,
    actor: Actor,
    notice: IssueNotice,
    causes: str,
    measures: str,
    systemic: str = "",
    responsible_staff: Staff | None = None,
    self_examination: str = "",
    no_individual_reason: str = "",
    files: Iterable[UploadedFile] = (),
) -> Rectification:
    """The branch answers: 《问题整改报告》 (causes, measures, 举一反三) and the directly
    responsible person's written 《个人检查》 (004 §四)."""
    notice = IssueNotice.objects.select_for_update().select_related("finding").get(pk=notice.pk)
    if not is_branch_head(actor, notice.branch_id):
        raise forbidden(f"整改报告由{notice.branch}的负责人报送。")
    if notice.status not in AWAITING_ANSWER:
        raise InvalidTransition(f"交办函{notice.get_status_display()}，不能再报送整改报告。")
    if not causes.strip() or not measures.strip():
        raise invalid("请填写原因分析和整改措施。")
    named = notice.finding.staff
    responsible_staff = responsible_staff or named
    if responsible_staff is not None:
        if not self_examination.strip():
            raise invalid(f"请附上直接责任人{responsible_staff.name}的书面《个人检查》（004 §四）。")
        no_individual_reason = ""
    elif not no_individual_reason.strip():
        raise invalid("没有直接责任人的，请说明理由（如属设施、制度等共性问题）。")
    round_no = notice.rectifications.count() + 1
    rect = Rectification.objects.create(
        notice=notice,
        round=round_no,
        causes=causes.strip(),
        measures=measures.strip(),
        systemic=systemic.strip(),
        responsible_staff=responsible_staff,
        self_examination=self_examination.strip(),
        no_individual_reason=no_individual_reason.strip(),
        submitted_by=user_or_none(actor),
        submitted_by_label=actor_label(actor),
    )
    attach_files(actor=actor, owner_type=UploadOwner.RECTIFICATION, owner_id=rect.pk, files=files)
    transition(
        notice,
        NoticeStatus.ANSWERED,
        actor=actor,
        note=f"报送第{round_no}次整改报告"
        + (f"，附{responsible_staff.name}的个人检查" if responsible_staff else ""),
        audit="supervision.notice.answer",
        summary=f"报送整改报告（第{round_no}次）",
    )
    return rect


@transaction.atomic
def notice_review(
    *, actor: Actor, notice: IssueNotice, accept: bool, note: str, new_deadline: date | None = None
) -> IssueNotice:
    """The office accepts the rectification (验收销号) or returns it for more work."""
    require(actor, (Role.OFFICE,), "验收整改")
    notice = IssueNotice.objects.select_for_update().get(pk=notice.pk)
    rect = notice.rectifications.order_by("-round").first()
    if rect is None or notice.status != NoticeStatus.ANSWERED:
        raise InvalidTransition("还没有待验收的整改报告。")
    note = note.strip()
    if not accept and not note:
        raise invalid("退回时请写明不通过的原因和需要补充的整改。")
    now = clock.now()
    rect.decision = "accepted" if accept else "returned"
    rect.review_note = note
    rect.reviewed_at = now
    rect.reviewed_by = user_or_none(actor)
    rect.reviewed_by_label = actor_label(actor)
    rect.save(update_fields=["decision", "review_note", "reviewed_at", "reviewed_by", "reviewed_by_label"])
    summary = ("验收通过" if accept else "退回重新整改") + (f"：{note[:100]}" if note else "")
    if accept:
        notice.accepted_at = now
        transition(
            notice,
            NoticeStatus.ACCEPTED,
            actor=actor,
            note=note or "验收通过",
            fields=["accepted_at"],
            audit="supervision.notice.review",
            summary=summary,
        )
    else:
        fields = []
        if new_deadline is not None:
            if new_deadline <= clock.today():
                raise invalid("新的整改期限应晚于今天。")
            notice.deadline = new_deadline
            fields.append("deadline")
        transition(
            notice,
            NoticeStatus.RETURNED,
            actor=actor,
            note=note + (f"；整改期限改为{new_deadline:%Y-%m-%d}" if new_deadline else ""),
            fields=fields,
            audit="supervision.notice.review",
            summary=summary,
        )
    return notice
