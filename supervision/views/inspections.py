"""监督检查 pages: the inspection list, the inspection sheet (tablet-friendly, 000 §五(五)4(2)),
an inspection's detail with publishing (通报), voiding and photos, the printable bulletin,
and the photo/scan download behind its record's access check."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from common import clock
from common.errors import DomainError
from org.access import branch_scope, has_role, role_required
from org.models import Role, Window
from rules.models import RuleKind
from rules.selectors import NoRulesInForce, rules_in_force
from supervision import selectors, services
from supervision.conf import sheet_full_marks
from supervision.forms import (
    InspectionForm,
    PhotosForm,
    PublishForm,
    ReasonForm,
)
from supervision.models import (
    InspectionKind,
    InspectionStatus,
    Polarity,
    ThirdPartyFinding,
    Upload,
    UploadOwner,
)
from supervision.views._common import (
    MANAGE,
    SEE,
    form_error,
    int_param,
    month_param,
    run,
    visible_branches,
)


@role_required(*SEE)
def inspection_list(request: HttpRequest) -> HttpResponse:
    """监督检查: this month at a glance and the inspections, filtered."""
    month = month_param(request)
    kind = request.GET.get("kind", "") if request.GET.get("kind") in InspectionKind.values else ""
    status = request.GET.get("status", "") if request.GET.get("status") in InspectionStatus.values else ""
    branch_id = int_param(request.GET.get("branch"))
    rows = selectors.inspection_list(
        request.user, kind=kind, branch_id=branch_id, period=month, status=status
    )
    today = clock.today()
    context = {
        "rows": rows,
        "month": month,
        "kind": kind,
        "status": status,
        "branch_id": branch_id,
        "kinds": InspectionKind.choices,
        "statuses": InspectionStatus.choices,
        "branches": visible_branches(request),
        "counts": selectors.inspection_counts(request.user, month),
        "to_publish": selectors.surprise_to_publish(request.user),
        "notices": selectors.notice_counts(request.user, today),
        "facilities": [f for f in selectors.facilities(request.user, today=today) if f.state != "ok"],
        "can_daily": selectors.can_record_inspection(request.user, "daily"),
        "can_leader": selectors.can_record_inspection(request.user, "leader"),
    }
    if getattr(request, "htmx", False):
        return render(request, "supervision/_inspection_table.html", context)
    return render(request, "supervision/inspection_list.html", context)


def _findings_from_post(request: HttpRequest, kind: str) -> list[services.FindingInput]:
    findings = [
        services.FindingInput(code, request.POST.get(f"note_{code}", ""))
        for code in request.POST.getlist("items")
    ]
    if kind == InspectionKind.LEADER:
        for group in selectors.checklist_for(kind, Polarity.POSITIVE):
            for item in group.items:
                if request.POST.get(f"pos_{item.code}") == "unmet":
                    findings.append(
                        services.FindingInput(item.code, request.POST.get(f"note_{item.code}", ""))
                    )
    return findings


@role_required(Role.INSPECTOR, Role.OFFICE, Role.LEADER)
def inspection_new(request: HttpRequest) -> HttpResponse:
    """The inspection sheet: window, person, the checklist by dimension, photos."""
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if kind not in InspectionKind.values:
        kind = (
            InspectionKind.LEADER
            if has_role(request.user, Role.LEADER) and not has_role(request.user, Role.INSPECTOR, Role.OFFICE)
            else InspectionKind.DAILY
        )
    if not selectors.can_record_inspection(request.user, kind):
        raise PermissionDenied(
            f"{InspectionKind(kind).label}由"
            + ("中心领导" if kind == "leader" else "检查员或业务管理处")
            + "登记。"
        )
    branch_id = int_param(request.POST.get("branch") or request.GET.get("branch"))
    form = InspectionForm(
        request.POST or None,
        request.FILES or None,
        branch_id=branch_id,
        initial={"branch": branch_id, "pointed_out": kind == "surprise"},
    )
    checked = set(request.POST.getlist("items"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_record(
                actor=request.user,
                kind=kind,
                window=data["window"],
                staff=data.get("staff"),
                findings=_findings_from_post(request, kind),
                note=data["note"],
                pointed_out=data["pointed_out"],
                pointed_out_note=data["pointed_out_note"],
                photos=data["photos"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"已登记{inspection.get_kind_display()} {inspection.no}，"
                f"得分 {inspection.sheet_score}/{inspection.full_marks}。",
            )
            return redirect("inspection_detail", no=inspection.no)
    windows = list(form.fields["window"].queryset) if branch_id else []  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/inspection_new.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": InspectionKind(kind).label,
            "kinds": [
                (k, label)
                for k, label in InspectionKind.choices
                if selectors.can_record_inspection(request.user, k)
            ],
            "negative": selectors.checklist_for(kind, Polarity.NEGATIVE),
            "positive": selectors.checklist_for(kind, Polarity.POSITIVE) if kind == "leader" else [],
            "checked": checked,
            "post": request.POST,
            "windows": windows,
            "at_window": selectors.current_staff_at([w.pk for w in windows]),
            "branch_id": branch_id,
            "full_marks": sheet_full_marks(),
            "weight": _weight(kind),
        },
    )


def _weight(kind: str) -> int | str:
    """The type's weight in the window score (000 §五(五)4(2)) from today's rule set."""
    try:
        return rules_in_force(RuleKind.WINDOW_SCORE, clock.today()).params.inspection_weight(kind)
    except (NoRulesInForce, StopIteration):
        return ""


@role_required(Role.INSPECTOR, Role.OFFICE, Role.LEADER)
def inspection_windows(request: HttpRequest) -> HttpResponse:
    """The windows of a branch as large buttons, each with the person signed in now."""
    branch_id = int_param(request.GET.get("branch"))
    windows = (
        list(Window.objects.filter(branch_id=branch_id, is_active=True).select_related("branch"))
        if branch_id
        else []
    )
    return render(
        request,
        "supervision/_windows_pick.html",
        {
            "windows": windows,
            "at_window": selectors.current_staff_at([w.pk for w in windows]),
            "selected": None,
        },
    )


@role_required(*SEE)
def inspection_detail(request: HttpRequest, no: str) -> HttpResponse:
    inspection = selectors.inspection_for_user(request.user, no)
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "i": inspection,
            "findings": list(inspection.findings.all()),
            "photos": selectors.uploads_for(UploadOwner.INSPECTION, inspection.pk),
            "events": selectors.timeline(inspection),
            "can_publish": has_role(request.user, Role.INSPECTOR, Role.OFFICE, Role.LEADER)
            and inspection.status == InspectionStatus.RECORDED,
            "can_void": has_role(request.user, Role.OFFICE) and inspection.status != InspectionStatus.VOIDED,
            "can_attach": inspection.status != InspectionStatus.VOIDED
            and (has_role(request.user, Role.OFFICE) or inspection.inspector_id == request.user.pk),
            "publish_form": PublishForm(initial={"text": _publish_text(inspection)}),
            "void_form": ReasonForm(),
            "photos_form": PhotosForm(),
        },
    )


def _publish_text(inspection: Any) -> str:
    findings = list(inspection.findings.all())
    who = f"{inspection.window}" + (f"工作人员{inspection.staff.name}" if inspection.staff else "")
    if not findings:
        day = f"{inspection.inspected_on:%Y年%m月%d日}"
        return f"{day}{inspection.get_kind_display()}，{who}未发现问题，特此通报表扬。"
    lines = "；".join(f"{f.text}（扣{f.deduction}分）" for f in findings)
    return (
        f"{inspection.inspected_on:%Y年%m月%d日}{inspection.get_kind_display()}中，发现{who}存在以下问题：{lines}。"
        f"检查得分{inspection.sheet_score}分（满分{inspection.full_marks}分）。问题已当场指出，请立即整改。"
    )


@require_POST
@role_required(Role.INSPECTOR, Role.OFFICE, Role.LEADER)
def inspection_publish(request: HttpRequest, no: str) -> HttpResponse:
    inspection = selectors.inspection_for_user(request.user, no)
    form = PublishForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.inspection_publish(
                actor=request.user, inspection=inspection, text=form.cleaned_data["text"]
            ),
            "已通报。",
        )
    else:
        form_error(request, form)
    return redirect("inspection_detail", no=no)


@require_POST
@role_required(Role.OFFICE)
def inspection_void(request: HttpRequest, no: str) -> HttpResponse:
    inspection = selectors.inspection_for_user(request.user, no)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.inspection_void(
                actor=request.user, inspection=inspection, reason=form.cleaned_data["reason"]
            ),
            "已作废；它不再计入窗口评分，由它登记的违规记录已冲正。",
        )
    else:
        form_error(request, form)
    return redirect("inspection_detail", no=no)


@require_POST
@role_required(*MANAGE, Role.LEADER)
def inspection_photos(request: HttpRequest, no: str) -> HttpResponse:
    inspection = selectors.inspection_for_user(request.user, no)
    form = PhotosForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["photos"]:
        run(
            request,
            lambda: services.inspection_attach(
                actor=request.user, inspection=inspection, files=form.cleaned_data["photos"]
            ),
            "照片已上传。",
        )
    else:
        messages.error(request, "请选择要上传的照片。")
    return redirect("inspection_detail", no=no)


@role_required(*SEE)
def inspection_bulletin(request: HttpRequest, no: str) -> HttpResponse:
    """The printable 通报 of a published inspection."""
    inspection = selectors.inspection_for_user(request.user, no)
    if inspection.status != InspectionStatus.PUBLISHED:
        messages.error(request, "这次检查尚未通报。")
        return redirect("inspection_detail", no=no)
    return render(
        request,
        "supervision/inspection_bulletin.html",
        {"i": inspection, "findings": list(inspection.findings.all())},
    )


@role_required()
def upload_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo or scan, through the access check of the record it belongs to."""
    upload = Upload.objects.filter(pk=pk).first()
    if upload is None:
        raise Http404("没有这个文件。")
    _check_upload_access(request, upload)
    try:
        with upload.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise Http404("文件已不存在，请联系系统管理员。") from None
    response = HttpResponse(data, content_type=upload.content_type)
    response["Content-Disposition"] = content_disposition_header(True, upload.name) or "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _check_upload_access(request: HttpRequest, upload: Upload) -> None:
    user = request.user
    if upload.owner_type == UploadOwner.INSPECTION:
        from supervision.models import Inspection

        if not Inspection.objects.visible_to(user).filter(pk=upload.owner_id).exists() or not has_role(
            user, *SEE
        ):
            raise Http404("没有这个文件，或您无权查看。")
    elif upload.owner_type == UploadOwner.TP_FINDING:
        finding = ThirdPartyFinding.objects.filter(pk=upload.owner_id).first()
        scope = branch_scope(user)
        if (
            finding is None
            or not has_role(user, *SEE)
            or (scope is not None and finding.branch_id not in scope)
        ):
            raise Http404("没有这个文件，或您无权查看。")
    else:
        from supervision.models import IssueNotice

        if (
            not has_role(user, *SEE)
            or not IssueNotice.objects.visible_to(user).filter(rectifications__pk=upload.owner_id).exists()
        ):
            raise Http404("没有这个文件，或您无权查看。")
