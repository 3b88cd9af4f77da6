"""投诉管理 staff pages: the list with its time-limit counters, intake from every
channel, one complaint with the process of 000 §五(四)8 as forms of the next step,
the printable 投诉类客服工单 and 投诉办理报告, the restricted page of the person
complained about, the party committee's filings, and the yearly analysis."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from audit.services import audit_record
from common import clock
from common.actors import staff_of
from common.errors import DomainError
from common.periods import Period
from complaints import selectors, services
from complaints.analysis import complaint_analysis
from complaints.conf import repeat_window_days
from complaints.export import analysis_workbook
from complaints.forms import (
    AcceptForm,
    AppealDecideForm,
    AppealForm,
    ArchiveForm,
    AttachForm,
    ClassifyForm,
    DelayForm,
    DetermineForm,
    FollowUpForm,
    HandlingForm,
    IncidentForm,
    JointReviewForm,
    ReplyForm,
    ReportForm,
    ReviewForm,
    SanctionForm,
    SettleForm,
    StaffComplaintForm,
)
from complaints.models import (
    AppealStatus,
    Channel,
    Complaint,
    ComplaintClass,
    ContactPreference,
    EventKind,
    PenaltyStatus,
    ReportStatus,
    Status,
)
from complaints.selectors import LIST_FILTERS, Step
from org.access import has_role, role_required
from org.models import Role
from rules.models import RuleKind
from rules.selectors import rules_in_force

# The steps of 000 §五(四)8 as the stepper shows them, with the statuses each covers.
STEPPER = [
    ("受理", {Status.RECEIVED}),
    ("定性", {Status.ACCEPTED}),
    ("责任认定", {Status.CLASSIFIED}),
    ("部门办理", {Status.HANDLING}),
    ("集体会审", {Status.JOINT_REVIEW}),
    ("办理报告", {Status.REPORTING, Status.REPORT_REVIEW}),
    ("答复", {Status.REPLYING}),
    ("回访", {Status.FOLLOW_UP}),
    ("归档", {Status.CLOSED, Status.ARCHIVED}),
]


STEP_ORDER = [
    Step.APPEAL_DECIDE,
    Step.ACCEPT,
    Step.CLASSIFY,
    Step.DETERMINE,
    Step.HANDLE,
    Step.JOINT_REVIEW,
    Step.REPORT,
    Step.REVIEW,
    Step.REPLY,
    Step.FOLLOW_UP,
    Step.ARCHIVE,
    Step.SETTLE,
    Step.DELAY,
    Step.SANCTION,
    Step.APPEAL,
    Step.ATTACH,
    Step.INCIDENT,
]

STEP_META: dict[Step, dict[str, Any]] = {
    Step.INCIDENT: {
        "title": "无理取闹、诉讼或媒体报道的处置",
        "button": "记录处置情况",
        "main": False,
        "intro": (
            "投诉人无理取闹或捏造事实，经劝阻无效严重影响工作秩序的，报警处理并报中心法务部门；"
            "上诉至法院或经媒体报道严重影响中心声誉的，组成危机处理小组（§五(四)13）。"
        ),
    },
    Step.ACCEPT: {
        "title": "受理",
        "button": "受理",
        "main": True,
        "intro": (
            "确定首办责任人，第一时间调查核实、联系投诉人，开展初步调查，"
            "并告知投诉人处理时限（§五(四)8(1)）。"
        ),
    },
    Step.SETTLE: {
        "title": "当场解决",
        "button": "登记当场解决",
        "main": False,
        "intro": "对受理的一般投诉，能当场解决的及时解决，在收到投诉当日办结并记录答复（§五(四)7(1)）。",
    },
    Step.CLASSIFY: {
        "title": "定性",
        "button": "定性",
        "main": True,
        "intro": "投诉按性质分为重大投诉、一般投诉和无效投诉（§五(四)6）。",
    },
    Step.DETERMINE: {
        "title": "责任认定",
        "button": "认定并转责任部门办理",
        "main": True,
        "intro": (
            "根据投诉内容进行责任分析认定，追索责任部门和具体责任人，"
            "报中心机关党委备案；需报中心领导认定的，由中心领导判定（§五(四)8(2)）。"
        ),
    },
    Step.HANDLE: {
        "title": "部门办理",
        "button": "提交办理情况",
        "main": True,
        "intro": (
            "梳理事件经过，分析问题产生原因，明确具体涉事人员，"
            "制定具体措施，做好与投诉人的沟通解释，并及时告知处理结果（§五(四)8(3)）。"
        ),
    },
    Step.JOINT_REVIEW: {
        "title": "集体会审",
        "button": "记录会审结论",
        "main": True,
        "intro": (
            "对有重大影响、疑难、复杂的投诉，由业务管理处组织讨论，"
            "征询相关处室和法律顾问的意见；会审形成共识后以文件形式确定，"
            "统一对内对外口径（§五(四)8(4)）。"
        ),
    },
    Step.REPORT: {
        "title": "投诉办理报告",
        "button": "提交报告",
        "main": True,
        "intro": "责任部门按督办固定格式书面撰写，不得以口头形式答复；报告交业务管理处审核（§五(四)8(5)）。",
    },
    Step.REVIEW: {
        "title": "审核办理报告",
        "button": "提交审核结论",
        "main": True,
        "intro": "审核通过后按投诉渠道答复投诉人（§五(四)8(5)）。",
    },
    Step.REPLY: {
        "title": "答复投诉人",
        "button": "记录答复",
        "main": True,
        "intro": "按相关投诉渠道答复；无效投诉向投诉人说明理由。",
    },
    Step.FOLLOW_UP: {
        "title": "回访",
        "button": "记录回访",
        "main": True,
        "intro": (
            "告知处理结果并询问投诉人对处理结果的满意程度；仍有意见的，"
            "继续向相关部门提出重新处理要求（§五(四)8(6)）。"
        ),
    },
    Step.ARCHIVE: {
        "title": "归档",
        "button": "归档",
        "main": True,
        "intro": "将投诉资料归档整理，对投诉人的建议进行书面总结并提交相关处室（§五(四)8(6)）。",
    },
    Step.DELAY: {
        "title": "不能按时办结",
        "button": "记录告知和汇报",
        "main": False,
        "intro": (
            "在规定时限内不能处理完毕的，及时告知投诉人、说明情况，"
            "同时向中心领导汇报，由中心领导作出处理意见（§五(四)7(4)）。"
        ),
    },
    Step.SANCTION: {
        "title": "对责任人的处理",
        "button": "登记处理措施",
        "main": False,
        "intro": (
            "重大投诉和一般投诉一经核实，视情节轻重给予批评教育、"
            "书面检查、通报等处理，以及警告、记过、记大过的行政处分（§五(四)9）。"
        ),
    },
    Step.APPEAL: {
        "title": "对处理决定有异议",
        "button": "向机关党委反映",
        "main": False,
        "intro": (
            "部门对业务管理处提出的投诉处理决定有异议的，可向中心机关党委反映，"
            "由中心组织重新审议认定（§五(四)11）。"
        ),
    },
    Step.APPEAL_DECIDE: {
        "title": "机关党委重新审议",
        "button": "记录审议结论",
        "main": True,
        "intro": "§五(四)11",
    },
    Step.ATTACH: {
        "title": "补充证明资料",
        "button": "上传",
        "main": False,
        "intro": "相关部门以书面形式说明情况，提供相关证明资料（§五(四)10）。",
    },
}


@role_required()
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Complaints the user may see, with counters of what is due (§7)."""
    if not _sees_complaints(request):
        return redirect("complaint_mine")
    view = request.GET.get("view") or ("todo" if not has_role(request.user, Role.LEADER) else "open")
    if view not in LIST_FILTERS:
        view = "open"
    class_code = request.GET.get("class", "")
    channel = request.GET.get("channel", "")
    year = request.GET.get("year", "")
    query = (request.GET.get("q") or "").strip()[:40]
    rows = selectors.complaint_list(
        request.user,
        view=view,
        class_code=class_code if class_code in {*ComplaintClass.values, "none"} else "",
        channel=channel if channel in Channel.values else "",
        year=int(year) if year.isdigit() else None,
        query=query,
    )
    context = {
        "rows": rows,
        "view": view,
        "filters": LIST_FILTERS,
        "class_code": class_code,
        "channel": channel,
        "year": year,
        "q": query,
        "classes": ComplaintClass.choices,
        "channels": Channel.choices,
        "counters": selectors.counters(request.user),
        "is_office": has_role(request.user, Role.OFFICE),
        "is_leader": has_role(request.user, Role.LEADER),
        "today": clock.today(),
    }
    if getattr(request, "htmx", False):
        return render(request, "complaints/_list_table.html", context)
    return render(request, "complaints/list.html", context)


@role_required()
def complaint_new(request: HttpRequest) -> HttpResponse:
    """Register a complaint received by letter, phone, 12329, a visit, e-mail or a
    transfer (the office); window staff register what reached them at the counter
    and hand it to the office (001 第四十六条(一))."""
    params = rules_in_force(RuleKind.COMPLAINT, clock.today()).params
    office = has_role(request.user, Role.OFFICE)
    form = StaffComplaintForm(
        request.POST or None, request.FILES or None, params=params, counter_only=not office
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint, password = services.complaint_register(
                actor=request.user,
                channel=data["channel"],
                external_ref=data["external_ref"],
                received_at=data["received_at"],
                attachments=data["attachments"],
                window=data["window"],
                department=data["department"],
                staff=data["staff"],
                staff_description=data["staff_description"],
                matter_code=data["matter_code"],
                related_kind=data["related_kind"],
                related_ref=data["related_ref"],
                **_complainant_fields(data),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if not office:
                request.session["complaint-staff-receipt"] = {"no": complaint.no, "password": password}
                return redirect("complaint_receipt")
            request.session[f"complaint-password-{complaint.pk}"] = password
            messages.success(request, f"已登记投诉 {complaint.no}。")
            return redirect("complaint_detail", no=complaint.no)
    return render(
        request, "complaints/new.html", {"form": form, "office": office}, status=422 if form.errors else 200
    )


@role_required()
def complaint_receipt(request: HttpRequest) -> HttpResponse:
    """What a window staff member tells the complainant after registering: the number,
    the query password (once) and the due day; the office takes it from there."""
    receipt = request.session.pop("complaint-staff-receipt", None)
    if receipt is None:
        return redirect("complaint_mine")
    complaint = Complaint.objects.filter(no=receipt["no"]).only("no", "reply_due", "deadline_pending").first()
    return render(request, "complaints/receipt.html", {"receipt": receipt, "c": complaint})


@role_required()
def complaint_detail(request: HttpRequest, no: str) -> HttpResponse:
    complaint = selectors.complaint_for_user(request.user, no)
    return _detail(request, complaint)


@require_POST
@role_required()
def complaint_step(request: HttpRequest, no: str, step: str) -> HttpResponse:
    """One step of the process, posted from the complaint's page."""
    complaint = selectors.complaint_for_user(request.user, no)
    try:
        step_ = Step(step)
    except ValueError:
        raise Http404("没有这个办理步骤。") from None
    if step_ == Step.RESET_PASSWORD:
        try:
            password = services.complaint_password_reset(actor=request.user, complaint=complaint)
        except DomainError as exc:
            raise PermissionDenied(exc.message) from None
        request.session[f"complaint-password-{complaint.pk}"] = password
        messages.success(request, "已重置查询密码，原密码失效。")
        return redirect("complaint_detail", no=complaint.no)
    form = _step_form(step_, complaint, request.POST, request.FILES)
    if form is None:
        raise Http404("没有这个办理步骤。")
    try:
        services.complaint_require_step(request.user, complaint, step_)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)  # e.g. a colleague took this step a moment ago
        return redirect("complaint_detail", no=complaint.no)
    if form.is_valid():
        try:
            message = _do_step(request, step_, complaint, form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            form.add_error(None, exc.message)
        else:
            messages.success(request, message)
            return redirect("complaint_detail", no=complaint.no)
    complaint = selectors.complaint_for_user(request.user, no)
    return _detail(request, complaint, failed=(step_, form), status=422)


@require_POST
@role_required(Role.OFFICE, Role.LEADER)
def complaint_reveal(request: HttpRequest, no: str) -> HttpResponse:
    """htmx: the complainant's full contact, logged in the audit trail."""
    complaint = selectors.complaint_for_user(request.user, no)
    try:
        contact = services.complaint_contact_reveal(actor=request.user, complaint=complaint)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    return render(request, "complaints/_contact_full.html", {"contact": contact, "complaint": complaint})


@role_required()
def complaint_attachment(request: HttpRequest, no: str, pk: int) -> HttpResponse:
    """A file of the complaint, through the complaint's own access check."""
    complaint = selectors.complaint_for_user(request.user, no)
    attachment = next((a for a in complaint.attachments.all() if a.pk == pk), None)
    if attachment is None:
        raise Http404("没有这个附件。")
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()  # at most ATTACHMENT_MAX_BYTES
    except FileNotFoundError:
        raise Http404("附件文件已不存在，请联系系统管理员。") from None
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.name) or "attachment"
    return response


@role_required()
def complaint_ticket(request: HttpRequest, no: str) -> HttpResponse:
    """《投诉类客服工单》(§8(1)) as a printable page."""
    complaint = selectors.complaint_for_user(request.user, no)
    audit_record(
        actor=request.user,
        action="complaints.complaint.print_ticket",
        obj=complaint,
        summary="打印投诉类客服工单",
    )
    return render(request, "complaints/ticket.html", _document_context(complaint))


@role_required()
def complaint_report_print(request: HttpRequest, no: str) -> HttpResponse:
    """《投诉办理报告》(§8(5)) in its fixed format, printable."""
    complaint = selectors.complaint_for_user(request.user, no)
    reports = list(complaint.reports.all())
    if not reports:
        raise Http404("责任部门尚未提交办理报告。")
    wanted = request.GET.get("id", "")
    report = next((r for r in reports if str(r.pk) == wanted), reports[-1])
    context = _document_context(complaint)
    context |= {
        "report": report,
        "reviews": [j for j in complaint.joint_reviews.all() if j.round <= report.round],
    }
    return render(request, "complaints/report_print.html", context)


@role_required()
def complaint_mine(request: HttpRequest) -> HttpResponse:
    """What the process shows the person it found responsible (issue #7 "Protection")."""
    return render(
        request, "complaints/mine.html", {"rows": selectors.complaints_concerning(staff_of(request.user))}
    )


@role_required()
def complaint_party_committee(request: HttpRequest) -> HttpResponse:
    """The party committee's file: responsibility findings (§8(2)) and disputes (§11)."""
    if not (selectors.is_party_committee(request.user) or has_role(request.user, Role.LEADER, Role.OFFICE)):
        raise PermissionDenied("此页面供机关党委、中心领导和业务管理处使用。")
    return render(
        request, "complaints/party_committee.html", {"rows": selectors.party_committee_filings(request.user)}
    )


@role_required(Role.OFFICE, Role.LEADER)
def complaint_analysis_page(request: HttpRequest) -> HttpResponse:
    """The yearly analysis (§12) on screen; `?format=xlsx` downloads it."""
    period, window, error = _analysis_params(request)
    report = complaint_analysis(period, window_days=window)
    if request.GET.get("format") == "xlsx":
        audit_record(
            actor=request.user,
            action="complaints.analysis.export",
            summary=f"导出投诉分析 {period.label}",
        )
        response = HttpResponse(
            analysis_workbook(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"complaints-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(
        request,
        "complaints/analysis.html",
        {"report": report, "error": error, "query": request.GET.urlencode()},
    )


@role_required(Role.ADMIN, Role.OFFICE)
def complaint_pending_calendar(request: HttpRequest) -> HttpResponse:
    """Complaints whose limit waits for a year's holiday notice (numbers and dates only)."""
    from inquiries import selectors as inquiry_selectors
    from inquiries import services as inquiry_services

    if request.method == "POST":
        try:
            count = services.complaint_deadlines_recompute(actor=request.user)
            handovers = inquiry_services.inquiry_deadlines_recompute(actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已补算 {count} 件投诉的答复期限、{handovers} 条首问转交的期限。")
        return redirect("complaint_pending_calendar")
    return render(
        request,
        "complaints/pending_calendar.html",
        {"rows": selectors.pending_calendar(), "handovers": inquiry_selectors.pending_calendar()},
    )


# --- the detail page and its step forms ---------------------------------------------


def _detail(
    request: HttpRequest,
    complaint: Complaint,
    *,
    failed: tuple[Step, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    appeals = list(complaint.appeals.all())
    pending_appeal = any(a.status == AppealStatus.PENDING for a in appeals)
    steps = selectors.complaint_allowed_steps(request.user, complaint, pending_appeal=pending_appeal)
    if complaint.received_on != clock.today():
        steps.discard(Step.SETTLE)  # §7(1) 当场: only on the day the complaint came in
    forms = {
        s: _step_form(s, complaint, user=request.user)
        for s in steps
        if s not in (Step.REVEAL, Step.RESET_PASSWORD)
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    cards = [{"step": s.value, "form": forms[s], **STEP_META[s]} for s in STEP_ORDER if s in forms]
    params = selectors.complaint_rules(complaint)
    password = request.session.pop(f"complaint-password-{complaint.pk}", None)
    return render(
        request,
        "complaints/detail.html",
        {
            "c": complaint,
            "steps": {s.value for s in steps},
            "main_cards": [card for card in cards if card["main"]],
            "other_cards": [card for card in cards if not card["main"]],
            "failed_step": failed[0].value if failed else "",
            "params": params,
            "scope_labels": {s.code: s.text for s in params.scope},
            "flags": selectors.deadline_flags(complaint),
            "stepper": _stepper(complaint),
            # A report's review is on the complaint's own row of that step as well.
            "events": [e for e in complaint.events.all() if e.kind != EventKind.REPORT],
            "appeals": appeals,
            "pending_appeal": pending_appeal,
            "password": password,
            "handling": next(iter(reversed(list(complaint.handlings.all()))), None),
            "sanctions": list(complaint.sanctions.all()),
            "fines": list(complaint.fines.all()),
            "responsible": list(complaint.responsible_staff.all()),
            "report_statuses": ReportStatus,
        },
        status=status,
    )


def _step_form(
    step: Step, complaint: Complaint, data: Any = None, files: Any = None, *, user: Any = None
) -> Any:
    """The form of a step, bound to `data` or filled with sensible defaults."""
    params = selectors.complaint_rules(complaint)
    handling = complaint.handlings.order_by("-round", "-id").first()
    if step == Step.ACCEPT:
        me = staff_of(user) if user is not None else None
        initial: dict[str, Any] = {
            "limit_told_via": _told_via_default(complaint),
            "owner": me.pk if me else None,
        }
        return AcceptForm(data, initial=initial)
    if step == Step.SETTLE:
        return SettleForm(data)
    if step == Step.CLASSIFY:
        return ClassifyForm(data, params=params)
    if step == Step.DETERMINE:
        initial = {
            "department": complaint.department_id,
            "staff": [complaint.staff_id] if complaint.staff_id else [],
        }
        return DetermineForm(data, initial=initial)
    if step == Step.HANDLE:
        return HandlingForm(data)
    if step == Step.JOINT_REVIEW:
        return JointReviewForm(data, initial={"held_on": clock.today(), "class_code": complaint.class_code})
    if step == Step.REPORT:
        initial = {}
        if handling is not None:
            initial = {
                "investigation": handling.facts,
                "causes": handling.causes,
                "measures": handling.measures,
                "communication": handling.answer,
                "prevention": handling.prevention,
            }
        return ReportForm(data, initial=initial)
    if step == Step.REVIEW:
        return ReviewForm(data)
    if step == Step.REPLY:
        initial = {"channel": _reply_channel_default(complaint)}
        if complaint.class_code == ComplaintClass.INVALID and complaint.status == Status.CLASSIFIED:
            initial["text"] = f"经调查核实，您反映的问题属于无效投诉：{complaint.class_reason}"
        elif handling is not None:
            initial["text"] = handling.answer
        return ReplyForm(data, initial=initial)
    if step == Step.FOLLOW_UP:
        return FollowUpForm(data)
    if step == Step.ARCHIVE:
        return ArchiveForm(data, initial={"note": complaint.suggestion})
    if step == Step.DELAY:
        return DelayForm(data)
    if step == Step.SANCTION:
        responsible = list(complaint.responsible_staff.all())
        initial = {"staff": responsible[0].pk} if len(responsible) == 1 else {}
        return SanctionForm(data, params=params, staff=complaint.responsible_staff.all(), initial=initial)
    if step == Step.APPEAL:
        return AppealForm(data)
    if step == Step.APPEAL_DECIDE:
        return AppealDecideForm(data)
    if step == Step.ATTACH:
        return AttachForm(data, files)
    if step == Step.INCIDENT:
        return IncidentForm(data)
    return None


def _do_step(request: HttpRequest, step: Step, complaint: Complaint, d: dict[str, Any]) -> str:
    actor = request.user
    if step == Step.ACCEPT:
        c = services.complaint_accept(
            actor=actor,
            complaint=complaint,
            owner=d["owner"],
            initial_findings=d["initial_findings"],
            limit_told_via=d["limit_told_via"],
        )
        return f"已受理，首办责任人：{d['owner'].name}。" + (
            f"答复期限 {c.reply_due:%Y-%m-%d}。" if c.reply_due else ""
        )
    if step == Step.SETTLE:
        services.complaint_settle_on_the_spot(
            actor=actor,
            complaint=complaint,
            answer=d["answer"],
            responsible_department=d["responsible_department"],
            responsible_staff=list(d["responsible_staff"]),
        )
        return "已登记当场解决，待回访。"
    if step == Step.CLASSIFY:
        c = services.complaint_classify(
            actor=actor,
            complaint=complaint,
            class_code=d["class_code"],
            criteria=d["criteria"],
            reason=d["reason"],
            is_complex=d["is_complex"],
            key_supervision=d["key_supervision"],
        )
        return f"已定性为{c.get_class_code_display()}。" + (
            f"答复期限 {c.reply_due:%Y-%m-%d}。" if c.reply_due else ""
        )
    if step == Step.DETERMINE:
        services.complaint_determine(
            actor=actor,
            complaint=complaint,
            department=d["department"],
            staff=list(d["staff"]),
            analysis=d["analysis"],
        )
        return f"已认定责任，转 {d['department'].name} 办理，并报机关党委备案。"
    if step == Step.HANDLE:
        c = services.complaint_record_handling(actor=actor, complaint=complaint, **d)
        return "已提交部门办理情况。" + (
            "须集体会审。" if c.status == Status.JOINT_REVIEW else "请撰写投诉办理报告。"
        )
    if step == Step.JOINT_REVIEW:
        services.complaint_joint_review(actor=actor, complaint=complaint, **d)
        return "已记录集体会审。"
    if step == Step.REPORT:
        services.complaint_submit_report(actor=actor, complaint=complaint, **d)
        return "已提交投诉办理报告，待业务管理处审核。"
    if step == Step.REVIEW:
        approve = d["decision"] == "approve"
        services.complaint_review_report(
            actor=actor,
            complaint=complaint,
            approve=approve,
            remarks=d["remarks"],
            reported_in_person=d["reported_in_person"],
        )
        return "报告审核通过，请答复投诉人。" if approve else "报告已退回责任部门修改。"
    if step == Step.REPLY:
        reply = services.complaint_reply(
            actor=actor, complaint=complaint, channel=d["channel"], text=d["text"]
        )
        return "已答复投诉人" + ("。" if reply.on_time else "（已超过答复期限）。") + "下一步：回访。"
    if step == Step.FOLLOW_UP:
        c = services.complaint_follow_up(actor=actor, complaint=complaint, **d)
        if c.status == Status.CLOSED:
            return "已回访，投诉办结。"
        return f"投诉人不满意，已重新交办（第{c.round}轮）。" + (
            f"答复期限 {c.reply_due:%Y-%m-%d}。" if c.reply_due else ""
        )
    if step == Step.ARCHIVE:
        services.complaint_archive(actor=actor, complaint=complaint, note=d["note"])
        return "已归档。"
    if step == Step.DELAY:
        services.complaint_report_delay(actor=actor, complaint=complaint, **d)
        return "已记录：告知投诉人并向中心领导汇报。"
    if step == Step.SANCTION:
        s = services.complaint_sanction(
            actor=actor,
            complaint=complaint,
            staff=d["staff"],
            code=d["code"],
            note=d["note"],
            also_first_inquiry_breach=d["also_first_inquiry_breach"],
        )
        return f"已对 {s.staff.name} 给予{s.label}。"
    if step == Step.APPEAL:
        services.complaint_appeal_file(actor=actor, complaint=complaint, grounds=d["grounds"])
        return "已向机关党委提出异议。"
    if step == Step.APPEAL_DECIDE:
        services.complaint_appeal_decide(
            actor=actor,
            complaint=complaint,
            upheld=d["outcome"] == "upheld",
            decision=d["decision"],
            class_code=d["class_code"],
            department=d["department"],
            staff=list(d["staff"]) if d["change_staff"] else None,
        )
        return "已记录重新审议结论。"
    if step == Step.INCIDENT:
        services.complaint_record_incident(actor=actor, complaint=complaint, kind=d["kind"], note=d["note"])
        return "已记录处置情况。"
    if step == Step.ATTACH:
        rows = services.complaint_attach(actor=actor, complaint=complaint, files=d["documents"])
        return f"已补充 {len(rows)} 个附件。"
    raise Http404


def _stepper(complaint: Complaint) -> list[tuple[str, str]]:
    """(label, state) for the process bar: done, current, skipped or ahead."""
    status = complaint.status
    index = next(i for i, (_, statuses) in enumerate(STEPPER) if status in statuses)
    if status == Status.FOLLOW_UP and complaint.settled_on_the_spot and complaint.round == 1:
        skipped = {1, 2, 3, 4, 5, 6}
    else:
        skipped = set()
    invalid = complaint.class_code == ComplaintClass.INVALID
    needs_review = complaint.class_code == ComplaintClass.MAJOR or complaint.is_complex
    reviewed = bool(list(complaint.joint_reviews.all()))
    out = []
    for i, (label, _) in enumerate(STEPPER):
        no_review = not needs_review and not reviewed and (index > 4 or bool(complaint.class_code))
        if i in skipped or (invalid and i in (2, 3, 4, 5)) or (i == 4 and no_review):
            state = "skipped"
        elif status == Status.ARCHIVED or i < index:
            state = "done"
        elif i == index:
            state = "current"
        else:
            state = ""
        out.append((label, state))
    return out


def _document_context(complaint: Complaint) -> dict[str, Any]:
    params = selectors.complaint_rules(complaint)
    return {
        "c": complaint,
        "scope_labels": [s.text for s in params.scope if s.code in complaint.scope_codes],
        "handling": next(iter(reversed(list(complaint.handlings.all()))), None),
        "responsible": list(complaint.responsible_staff.all()),
        "replies": list(complaint.replies.all()),
        "follow_ups": list(complaint.follow_ups.all()),
        "sanctions": [s for s in complaint.sanctions.all() if s.status == PenaltyStatus.ACTIVE],
        "printed_at": clock.local(),
    }


def _told_via_default(complaint: Complaint) -> str:
    return {
        ContactPreference.PHONE: "电话",
        ContactPreference.SMS: "短信",
        ContactPreference.EMAIL: "电子邮件",
        ContactPreference.LETTER: "书面",
        ContactPreference.ONLINE: "网上查询页面",
    }[ContactPreference(complaint.contact_preference)]


def _reply_channel_default(complaint: Complaint) -> str:
    """Through the complaint's own channel (§8(5) 按相关投诉渠道进行上报回复)."""
    if complaint.channel in (Channel.HOTLINE, Channel.HOTLINE_TRANSFER):
        return "12329热线回复"
    if complaint.channel == Channel.OFFICE_TRANSFER:
        return "转办渠道书面回复"
    return _told_via_default(complaint)


def _complainant_fields(data: dict[str, Any]) -> dict[str, Any]:
    keys = [
        "anonymous",
        "complainant_name",
        "complainant_phone",
        "complainant_email",
        "complainant_address",
        "complainant_unit",
        "contact_preference",
        "subject",
        "content",
        "occurred_on",
        "place",
        "branch",
        "matter",
        "scope_codes",
        "suggestion",
    ]
    return {k: data[k] for k in keys}


def _sees_complaints(request: HttpRequest) -> bool:
    return has_role(request.user, Role.OFFICE, Role.LEADER, Role.HEAD) or selectors.is_party_committee(
        request.user
    )


def _analysis_params(request: HttpRequest) -> tuple[Period, int, str]:
    today = clock.today()
    error = ""
    year = request.GET.get("year", "")
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    if start and end:
        if end < start:
            error = "结束日期早于开始日期，已改为统计全年。"
            period = Period.year(today.year)
        else:
            period = Period(start, end)
    elif year.isdigit() and 2000 <= int(year) <= 2100:
        period = Period.year(int(year))
    else:
        period = Period.year(today.year)
    window_text = request.GET.get("window", "")
    window = (
        int(window_text) if window_text.isdigit() and 1 <= int(window_text) <= 366 else repeat_window_days()
    )
    return period, window, error


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
