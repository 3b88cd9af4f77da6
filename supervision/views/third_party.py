"""第三方检查 pages (004 §四): the quarterly reports and their findings, issuing a
《问题交办函》 (printable and PDF), the branch's 《问题整改报告》 with the 《个人检查》, and
the office's acceptance."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.services import audit_record
from common import clock
from common.errors import DomainError
from org.access import has_role, role_required
from org.models import Role
from supervision import selectors, services
from supervision.conf import THIRD_PARTY_METHODS, rectify_working_days
from supervision.forms import (
    NoticeIssueForm,
    RectificationForm,
    ReviewForm,
    TpFindingForm,
    TpReportForm,
)
from supervision.models import (
    NoticeStatus,
    ThirdPartyFinding,
    UploadOwner,
)
from supervision.views._common import (
    SEE,
    form_error,
    run,
)
from workdays.calendar import CalendarNotPublished, add_workdays


@role_required(*SEE)
def tp_home(request: HttpRequest) -> HttpResponse:
    """第三方检查: quarterly reports, and the issue notices by state (overdue first)."""
    today = clock.today()
    view = request.GET.get("view", "open")
    if view not in ("open", "overdue", "review", "all"):
        view = "open"
    office_or_leader = has_role(request.user, Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN)
    return render(
        request,
        "supervision/tp_home.html",
        {
            "reports": selectors.tp_reports() if office_or_leader else [],
            "notices": selectors.notices(request.user, view="" if view == "all" else view, today=today),
            "counts": selectors.notice_counts(request.user, today),
            "view": view,
            "today": today,
            "office": has_role(request.user, Role.OFFICE),
        },
    )


@role_required(Role.OFFICE)
def tp_report_new(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    quarter = (today.month - 1) // 3 + 1
    form = TpReportForm(
        request.POST or None,
        initial={
            "year": today.year,
            "quarter": quarter,
            "received_on": today,
            "methods": ["mystery_shopper", "site_check"],
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = services.tp_report_register(
                actor=request.user,
                firm=d["firm"],
                year=d["year"],
                quarter=d["quarter"],
                received_on=d["received_on"],
                methods=d["methods"],
                summary=d["summary"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记报告 {report.no}，请逐条登记报告发现的问题。")
            return redirect("tp_report_detail", pk=report.pk)
    return render(request, "supervision/tp_report_new.html", {"form": form})


@role_required(Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN)
def tp_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.tp_report_detail(pk)
    office = has_role(request.user, Role.OFFICE)
    form = TpFindingForm(request.POST or None, request.FILES or None) if office else None
    if request.method == "POST":
        if not office or form is None:
            raise PermissionDenied("只有业务管理处可以登记。")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.tp_finding_add(
                    actor=request.user,
                    report=report,
                    branch=d["branch"],
                    aspect=d["aspect"],
                    observed_on=d["observed_on"],
                    description=d["description"],
                    window=d.get("window"),
                    staff=d.get("staff"),
                    firm_deduction=d.get("firm_deduction"),
                    photos=d["photos"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已登记问题，请下达问题交办函。")
                return redirect("tp_report_detail", pk=pk)
    findings = list(report.findings.all())
    photos = {f.pk: selectors.uploads_for(UploadOwner.TP_FINDING, f.pk) for f in findings}
    return render(
        request,
        "supervision/tp_report_detail.html",
        {
            "r": report,
            "findings": [(f, photos[f.pk]) for f in findings],
            "form": form,
            "issue_form": NoticeIssueForm(initial={"deadline": _default_deadline()}),
            "office": office,
            "method_labels": dict(THIRD_PARTY_METHODS),
        },
    )


def _default_deadline() -> date | None:
    try:
        return add_workdays(clock.today(), rectify_working_days())
    except CalendarNotPublished:
        return None


@require_POST
@role_required(Role.OFFICE)
def tp_notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    finding = ThirdPartyFinding.objects.select_related("report").filter(pk=pk).first()
    if finding is None:
        raise Http404("没有这个问题。")
    form = NoticeIssueForm(request.POST)
    if form.is_valid():
        holder: dict[str, Any] = {}

        def issue() -> None:
            holder["n"] = services.notice_issue(
                actor=request.user,
                finding=finding,
                requirements=form.cleaned_data["requirements"],
                deadline=form.cleaned_data["deadline"],
            )

        if run(request, issue, "已下达问题交办函。"):
            return redirect("issue_notice_detail", no=holder["n"].no)
    else:
        form_error(request, form)
    return redirect("tp_report_detail", pk=finding.report_id)


@role_required(*SEE)
def notice_detail(request: HttpRequest, no: str) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, no)
    today = clock.today()
    head = selectors.is_branch_head(request.user, notice.branch_id)
    can_answer = head and notice.status in (NoticeStatus.ISSUED, NoticeStatus.RETURNED)
    answer_form = (
        RectificationForm(
            request.POST or None,
            request.FILES or None,
            branch_id=notice.branch_id,
            initial={"responsible_staff": notice.finding.staff_id},
        )
        if can_answer
        else None
    )
    if request.method == "POST":
        if answer_form is None:
            raise PermissionDenied(f"整改报告由{notice.branch}的负责人报送。")
        if answer_form.is_valid():
            d = answer_form.cleaned_data
            try:
                services.notice_answer(
                    actor=request.user,
                    notice=notice,
                    causes=d["causes"],
                    measures=d["measures"],
                    systemic=d["systemic"],
                    responsible_staff=d.get("responsible_staff"),
                    self_examination=d["self_examination"],
                    no_individual_reason=d["no_individual_reason"],
                    files=d["attachments"],
                )
            except DomainError as exc:
                answer_form.add_error(None, exc.message)
            else:
                messages.success(request, "整改报告和个人检查已报送业务管理处验收。")
                return redirect("issue_notice_detail", no=no)
    rects = list(notice.rectifications.all())
    return render(
        request,
        "supervision/notice_detail.html",
        {
            "n": notice,
            "f": notice.finding,
            "rects": [(r, selectors.uploads_for(UploadOwner.RECTIFICATION, r.pk)) for r in rects],
            "finding_photos": selectors.uploads_for(UploadOwner.TP_FINDING, notice.finding_id),
            "events": selectors.timeline(notice),
            "overdue": notice.is_overdue(today),
            "answer_form": answer_form,
            "review_form": ReviewForm()
            if has_role(request.user, Role.OFFICE) and notice.status == NoticeStatus.ANSWERED
            else None,
        },
    )


@require_POST
@role_required(Role.OFFICE)
def notice_review(request: HttpRequest, no: str) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, no)
    form = ReviewForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        accept = d["decision"] == "accept"
        run(
            request,
            lambda: services.notice_review(
                actor=request.user,
                notice=notice,
                accept=accept,
                note=d["note"],
                new_deadline=d.get("new_deadline"),
            ),
            "验收通过，交办函已销号。" if accept else "已退回重新整改。",
        )
    else:
        form_error(request, form)
    return redirect("issue_notice_detail", no=no)


@role_required(*SEE)
def notice_letter(request: HttpRequest, no: str) -> HttpResponse:
    """《问题交办函》, printable."""
    notice = selectors.notice_for_user(request.user, no)
    return render(
        request,
        "supervision/notice_letter.html",
        {
            "n": notice,
            "f": notice.finding,
            "photos": selectors.uploads_for(UploadOwner.TP_FINDING, notice.finding_id),
        },
    )


@role_required(*SEE)
def notice_letter_pdf(request: HttpRequest, no: str) -> HttpResponse:
    """《问题交办函》 as a PDF through the documents app's renderer (form "issue_notice")."""
    from documents.render import pdf_response, render_pdf
    from org.models import Centre

    notice = selectors.notice_for_user(request.user, no)
    f = notice.finding
    centre = Centre.objects.first()
    context = {
        "centre_name": centre.name if centre else "住房公积金管理中心",
        "no": notice.no,
        "branch_name": notice.branch.name,
        "year": f.report.year,
        "quarter": f.report.quarter,
        "firm": f.report.firm,
        "observed_on": f.observed_on,
        "aspect": f.aspect_label,
        "window": str(f.window) if f.window else "",
        "staff_name": f.staff.name if f.staff else "",
        "description": f.description,
        "requirements": notice.requirements,
        "issued_on": notice.issued_on,
        "deadline": notice.deadline,
        "issuer": "业务管理处",
    }
    audit_record(
        actor=request.user, action="supervision.notice.print", obj=notice, summary="打印问题交办函（PDF）"
    )
    return pdf_response(render_pdf("issue_notice", context), f"问题交办函-{notice.no}.pdf")


@role_required(*SEE)
def notice_report_print(request: HttpRequest, no: str, round_no: int) -> HttpResponse:
    """《问题整改报告》 with the 《个人检查》, printable (the cover the branch signs)."""
    notice = selectors.notice_for_user(request.user, no)
    rect = next((r for r in notice.rectifications.all() if r.round == round_no), None)
    if rect is None:
        raise Http404("没有这次整改报告。")
    return render(
        request, "supervision/rectification_print.html", {"n": notice, "f": notice.finding, "r": rect}
    )
