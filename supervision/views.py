"""监督检查 pages: the inspection sheet (tablet-friendly), the patrol table and its
monthly summary, the violations ledger, third-party findings with issue notices and
rectification, and facilities with validity dates. Short function views; every write
goes through `supervision.services`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from audit.services import audit_record
from common import clock
from common.errors import DomainError
from common.periods import InvalidPeriod, Period, parse_period
from org.access import branch_scope, has_role, role_required
from org.models import Branch, Role, Staff, Window
from rules.models import RuleKind
from rules.selectors import NoRulesInForce, rules_in_force
from supervision import selectors, services
from supervision.conf import THIRD_PARTY_METHODS, facility_warn_days, rectify_working_days, sheet_full_marks
from supervision.forms import (
    FacilityForm,
    InspectionForm,
    NoticeIssueForm,
    PatrolForm,
    PhotosForm,
    PublishForm,
    ReasonForm,
    RectificationForm,
    RenewForm,
    ReportSendForm,
    ReviewForm,
    SignForm,
    SummarySignForm,
    SummarySubmitForm,
    TpFindingForm,
    TpReportForm,
    ViolationForm,
    ViolationRowForm,
)
from supervision.models import (
    Capacity,
    InspectionKind,
    InspectionStatus,
    NoticeStatus,
    PatrolStatus,
    PatrolSummary,
    Polarity,
    SubjectType,
    SummaryStatus,
    ThirdPartyFinding,
    Upload,
    UploadOwner,
    ViolationSource,
    ViolationStatus,
)
from workdays.calendar import CalendarNotPublished, add_workdays

SEE = (Role.INSPECTOR, Role.OFFICE, Role.LEADER, Role.HEAD, Role.ADMIN)
MANAGE = (Role.INSPECTOR, Role.OFFICE)


def _today() -> date:
    return clock.today()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _month(request: HttpRequest, name: str = "month") -> Period:
    """?month=YYYY-MM (default: this month)."""
    text = (request.GET.get(name) or "").strip()
    today = _today()
    if text:
        try:
            year, month = (int(x) for x in text.split("-"))
            return Period.month(year, month)
        except ValueError:
            pass
    return Period.month(today.year, today.month)


def _period(request: HttpRequest) -> tuple[Period, str]:
    """?period=2026-03 | 2026-Q1 | 2026 (default: this month)."""
    text = (request.GET.get("period") or "").strip()
    today = _today()
    if text:
        try:
            p = parse_period(text)
            return Period(p.start, p.end), p.key
        except InvalidPeriod as exc:
            messages.error(request, str(exc))
    return Period.month(today.year, today.month), f"{today:%Y-%m}"


def _run(request: HttpRequest, action: Callable[[], Any], ok: str) -> bool:
    """Run a service call; a refusal becomes a message, never a 500."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


def _form_error(request: HttpRequest, form: Any) -> None:
    errors = [str(e) for field in form.errors.values() for e in field]
    messages.error(request, "；".join(errors) or "请检查填写的内容。")


def _visible_branches(request: HttpRequest) -> Any:
    return Branch.objects.visible_to(request.user).filter(is_active=True).order_by("code")


# ---------------------------------------------------------------------------------------
# Inspections


@role_required(*SEE)
def inspection_list(request: HttpRequest) -> HttpResponse:
    """监督检查: this month at a glance and the inspections, filtered."""
    month = _month(request)
    kind = request.GET.get("kind", "") if request.GET.get("kind") in InspectionKind.values else ""
    status = request.GET.get("status", "") if request.GET.get("status") in InspectionStatus.values else ""
    branch_id = _int(request.GET.get("branch"))
    rows = selectors.inspection_list(
        request.user, kind=kind, branch_id=branch_id, period=month, status=status
    )
    today = _today()
    context = {
        "rows": rows,
        "month": month,
        "kind": kind,
        "status": status,
        "branch_id": branch_id,
        "kinds": InspectionKind.choices,
        "statuses": InspectionStatus.choices,
        "branches": _visible_branches(request),
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
    branch_id = _int(request.POST.get("branch") or request.GET.get("branch"))
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
        return rules_in_force(RuleKind.WINDOW_SCORE, _today()).params.inspection_weight(kind)
    except (NoRulesInForce, StopIteration):
        return ""


@role_required(Role.INSPECTOR, Role.OFFICE, Role.LEADER)
def inspection_windows(request: HttpRequest) -> HttpResponse:
    """The windows of a branch as large buttons, each with the person signed in now."""
    branch_id = _int(request.GET.get("branch"))
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
            "events": selectors.events_for(SubjectType.INSPECTION, inspection.pk),
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
        _run(
            request,
            lambda: services.inspection_publish(
                actor=request.user, inspection=inspection, text=form.cleaned_data["text"]
            ),
            "已通报。",
        )
    else:
        _form_error(request, form)
    return redirect("inspection_detail", no=no)


@require_POST
@role_required(Role.OFFICE)
def inspection_void(request: HttpRequest, no: str) -> HttpResponse:
    inspection = selectors.inspection_for_user(request.user, no)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.inspection_void(
                actor=request.user, inspection=inspection, reason=form.cleaned_data["reason"]
            ),
            "已作废；它不再计入窗口评分，由它登记的违规记录已冲正。",
        )
    else:
        _form_error(request, form)
    return redirect("inspection_detail", no=no)


@require_POST
@role_required(*MANAGE, Role.LEADER)
def inspection_photos(request: HttpRequest, no: str) -> HttpResponse:
    inspection = selectors.inspection_for_user(request.user, no)
    form = PhotosForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["photos"]:
        _run(
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


# ---------------------------------------------------------------------------------------
# Patrols


@role_required(*SEE)
def patrol_home(request: HttpRequest) -> HttpResponse:
    """巡查表: one branch, one month — every working day's morning and afternoon round."""
    branches = _visible_branches(request)
    branch = branches.filter(pk=_int(request.GET.get("branch"))).first() or branches.first()
    month = _month(request)
    today = _today()
    grid = None
    error = ""
    if branch is not None:
        try:
            grid = selectors.patrol_grid(branch, month, today=today)
        except (NoRulesInForce, DomainError) as exc:
            error = str(exc)
    return render(
        request,
        "supervision/patrol_home.html",
        {
            "branches": branches,
            "branch": branch,
            "month": month,
            "grid": grid,
            "error": error,
            "today": today,
            "to_sign": selectors.patrols_to_sign(request.user),
            "can_record": has_role(request.user, Role.INSPECTOR, Role.OFFICE, Role.LEADER),
            "prev_month": _shift_month(month, -1),
            "next_month": _shift_month(month, 1) if month.end < today else None,
        },
    )


def _shift_month(month: Period, delta: int) -> str:
    index = month.start.year * 12 + month.start.month - 1 + delta
    return f"{index // 12}-{index % 12 + 1:02d}"


def _rows_from_post(request: HttpRequest, items: list[tuple[str, str]]) -> list[ViolationRowForm]:
    indexes = sorted(
        {int(k.split("-")[1]) for k in request.POST if k.startswith("v-") and k.split("-")[1].isdigit()}
    )
    return [ViolationRowForm(request.POST, prefix=f"v-{i}", items=items) for i in indexes[:50]]


@role_required(Role.INSPECTOR, Role.OFFICE, Role.LEADER)
def patrol_new(request: HttpRequest) -> HttpResponse:
    """Record one round: where, when, who patrolled, the duty leader and what was found."""
    today = _today()
    day = _parse_date(request.GET.get("day")) or today
    try:
        rounds = selectors.patrol_rounds(day)
        items = _item_choices(day)
    except NoRulesInForce as exc:
        messages.error(request, exc.message)
        return redirect("patrol_home")
    initial: dict[str, Any] = {
        "branch": _int(request.GET.get("branch")),
        "day": day,
        "round_code": request.GET.get("round") or rounds[0][0],
    }
    me = getattr(request.user, "staff", None)
    if me is not None:
        initial["patrol_staff"] = [me.pk]
    form = PatrolForm(request.POST or None, rounds=rounds, initial=initial)
    rows = (
        _rows_from_post(request, items)
        if request.method == "POST"
        else [ViolationRowForm(prefix="v-0", items=items)]
    )
    if request.method == "POST":
        valid = form.is_valid() & all([r.is_valid() for r in rows])
        if valid:
            filled = [r for r in rows if not r.is_blank]
            data = form.cleaned_data
            if not filled and not data["nothing_found"]:
                form.add_error(None, "请登记发现的违规；没有发现问题的，请勾选“本次巡查未发现问题”。")
            elif filled and data["nothing_found"]:
                form.add_error(None, "已登记违规，就不能同时勾选“未发现问题”。")
            else:
                violations = []
                for r in filled:
                    d = r.cleaned_data
                    if not d.get("item"):
                        form.add_error(None, "每一条违规都要选择处罚事项。")
                        break
                    violations.append(
                        services.ViolationInput(
                            item_code=d["item"],
                            staff=d.get("staff"),
                            offender_name=d.get("offender_name", ""),
                            window=d.get("window"),
                            note=d.get("note", ""),
                        )
                    )
                else:
                    try:
                        patrol = services.patrol_record(
                            actor=request.user,
                            branch=data["branch"],
                            day=data["day"],
                            round_code=data["round_code"],
                            duty_leader=data["duty_leader"],
                            patrol_staff=list(data["patrol_staff"]),
                            violations=violations,
                            note=data["note"],
                        )
                    except DomainError as exc:
                        form.add_error(None, exc.message)
                    else:
                        messages.success(
                            request,
                            f"已登记{patrol}的巡查"
                            + (f"，{len(violations)} 处违规已记入台账。" if violations else "。"),
                        )
                        return redirect("patrol_detail", pk=patrol.pk)
        if not rows:
            rows = [ViolationRowForm(prefix="v-0", items=items)]
    return render(
        request,
        "supervision/patrol_new.html",
        {"form": form, "rows": rows, "items": items, "security": _security_items(day)},
    )


def _item_choices(day: date) -> list[tuple[str, str]]:
    return selectors.fine_items(day)


def _security_items(day: date) -> set[str]:
    return {i.code for i in rules_in_force(RuleKind.FINES, day).params.items if i.offender == "security"}


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@role_required(Role.INSPECTOR, Role.OFFICE, Role.LEADER)
def patrol_row(request: HttpRequest) -> HttpResponse:
    """One more empty violation line (htmx)."""
    index = min(_int(request.GET.get("i")) or 0, 49)
    day = _parse_date(request.GET.get("day")) or _today()
    try:
        items = _item_choices(day)
        security = _security_items(day)
    except NoRulesInForce as exc:
        return HttpResponse(exc.message, status=409)
    return render(
        request,
        "supervision/_violation_row.html",
        {"row": ViolationRowForm(prefix=f"v-{index}", items=items), "next": index + 1, "security": security},
    )


@role_required(*SEE)
def patrol_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = selectors.patrol_for_user(request.user, pk)
    me = getattr(request.user, "staff", None)
    members = list(patrol.patrol_staff.all())
    can_add = patrol.status == PatrolStatus.RECORDED and (
        has_role(request.user, Role.OFFICE) or (me is not None and any(m.pk == me.pk for m in members))
    )
    items = selectors.fine_items(patrol.day)
    return render(
        request,
        "supervision/patrol_detail.html",
        {
            "p": patrol,
            "members": members,
            "violations": list(patrol.violations.all()),
            "events": selectors.events_for(SubjectType.PATROL, patrol.pk),
            "can_sign": me is not None
            and patrol.duty_leader_id == me.pk
            and patrol.status == PatrolStatus.RECORDED,
            "can_add": can_add,
            "can_void": has_role(request.user, Role.OFFICE) and patrol.status != PatrolStatus.VOIDED,
            "sign_form": SignForm(),
            "row": ViolationRowForm(prefix="v-0", items=items),
            "security": _security_items(patrol.day),
            "void_form": ReasonForm(),
        },
    )


@require_POST
@role_required()
def patrol_sign(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = selectors.patrol_for_user(request.user, pk)
    form = SignForm(request.POST)
    form.is_valid()
    _run(
        request,
        lambda: services.patrol_sign(
            actor=request.user, patrol=patrol, opinion=form.cleaned_data.get("opinion", "")
        ),
        "已签字。",
    )
    return redirect("patrol_detail", pk=pk)


@require_POST
@role_required(Role.INSPECTOR, Role.OFFICE, Role.LEADER)
def patrol_add(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = selectors.patrol_for_user(request.user, pk)
    row = ViolationRowForm(request.POST, prefix="v-0", items=selectors.fine_items(patrol.day))
    if row.is_valid() and row.cleaned_data.get("item"):
        d = row.cleaned_data
        _run(
            request,
            lambda: services.patrol_add_violation(
                actor=request.user,
                patrol=patrol,
                violation=services.ViolationInput(
                    item_code=d["item"],
                    staff=d.get("staff"),
                    offender_name=d.get("offender_name", ""),
                    window=d.get("window"),
                    note=d.get("note", ""),
                ),
            ),
            "违规已记入台账。",
        )
    else:
        messages.error(request, "请选择处罚事项和当事人。")
    return redirect("patrol_detail", pk=pk)


@require_POST
@role_required(Role.OFFICE)
def patrol_void(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = selectors.patrol_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.patrol_void(
                actor=request.user, patrol=patrol, reason=form.cleaned_data["reason"]
            ),
            "巡查记录已作废，其违规记录已冲正。",
        )
    else:
        _form_error(request, form)
    return redirect("patrol_detail", pk=pk)


@role_required(Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN)
def patrol_summary(request: HttpRequest) -> HttpResponse:
    """The month's figures as they stand, the summaries submitted and their signatures."""
    today = _today()
    default = _shift_month(Period.month(today.year, today.month), -1)
    month = _month(request) if request.GET.get("month") else _month_from(default)
    try:
        figures = selectors.patrol_month_figures(month.start, today=today)
    except NoRulesInForce as exc:
        messages.error(request, exc.message)
        return redirect("patrol_home")
    return render(
        request,
        "supervision/patrol_summary.html",
        {
            "month": month,
            "f": figures.as_json(),
            "summaries": selectors.summaries(month.start),
            "submit_form": SummarySubmitForm(),
            "can_submit": has_role(request.user, Role.OFFICE) and month.start <= today,
            "prev_month": _shift_month(month, -1),
            "next_month": _shift_month(month, 1) if month.end < today else None,
        },
    )


def _month_from(text: str) -> Period:
    year, month = (int(x) for x in text.split("-"))
    return Period.month(year, month)


@require_POST
@role_required(Role.OFFICE)
def summary_submit(request: HttpRequest) -> HttpResponse:
    month = _month(request) if request.GET.get("month") else None
    form = SummarySubmitForm(request.POST)
    if month is None or not form.is_valid():
        messages.error(request, "请选择要报送的月份。")
        return redirect("patrol_summary")
    holder: dict[str, PatrolSummary] = {}

    def submit() -> None:
        holder["s"] = services.summary_submit(
            actor=request.user, month=month.start, note=form.cleaned_data["note"]
        )

    if _run(request, submit, f"{month.label}巡查汇总已报送分管领导和主要领导签批。"):
        return redirect("summary_detail", pk=holder["s"].pk)
    return redirect(reverse("patrol_summary") + f"?month={month.start:%Y-%m}")


@role_required(Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN)
def summary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable summary as submitted, with the signatures (签批)."""
    summary = PatrolSummary.objects.prefetch_related("signatures").filter(pk=pk).first()
    if summary is None:
        raise Http404("没有这份汇总。")
    signed = {s.capacity: s for s in summary.signatures.all()}
    return render(
        request,
        "supervision/summary_detail.html",
        {
            "s": summary,
            "f": summary.snapshot,
            "deputy": signed.get(Capacity.DEPUTY),
            "principal": signed.get(Capacity.PRINCIPAL),
            "events": selectors.events_for(SubjectType.SUMMARY, summary.pk),
            "can_sign": has_role(request.user, Role.LEADER)
            and summary.status == SummaryStatus.SUBMITTED
            and not any(s.leader_id == request.user.pk for s in signed.values()),
            "sign_form": SummarySignForm(),
        },
    )


@require_POST
@role_required(Role.LEADER)
def summary_sign(request: HttpRequest, pk: int) -> HttpResponse:
    summary = PatrolSummary.objects.filter(pk=pk).first()
    if summary is None:
        raise Http404("没有这份汇总。")
    form = SummarySignForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.summary_sign(
                actor=request.user,
                summary=summary,
                capacity=form.cleaned_data["capacity"],
                opinion=form.cleaned_data["opinion"],
            ),
            "已签批。",
        )
    else:
        _form_error(request, form)
    return redirect("summary_detail", pk=pk)


# ---------------------------------------------------------------------------------------
# Violations


@role_required()
def violation_ledger(request: HttpRequest) -> HttpResponse:
    """违规处罚台账: who, what, when, how much, from which record; the reports to units."""
    period, key = _period(request)
    branch_id = _int(request.GET.get("branch"))
    staff_id = _int(request.GET.get("staff"))
    source = request.GET.get("source", "") if request.GET.get("source") in ViolationSource.values else ""
    item = (request.GET.get("item") or "").strip()[:20]
    book = selectors.ledger(
        request.user, period=period, branch_id=branch_id, staff_id=staff_id, item_code=item, source=source
    )
    if request.GET.get("format") == "xlsx":
        from supervision.export import ledger_workbook, xlsx_response

        audit_record(
            actor=request.user, action="supervision.violation.export", summary=f"导出违规台账 {period.label}"
        )
        return xlsx_response(ledger_workbook(book, period), f"违规处罚台账-{key}.xlsx")
    office = has_role(request.user, Role.OFFICE)
    return render(
        request,
        "supervision/violation_ledger.html",
        {
            "book": book,
            "period": period,
            "period_key": key,
            "branch_id": branch_id,
            "staff_id": staff_id,
            "source": source,
            "item": item,
            "sources": ViolationSource.choices,
            "items": selectors.fine_items(min(period.end, _today())),
            "branches": _visible_branches(request),
            "staff": Staff.objects.visible_to(request.user)
            .filter(is_active=True)
            .order_by("branch__code", "staff_no")
            if has_role(request.user, Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.HEAD, Role.ADMIN)
            else [],
            "office": office,
            "send_form": ReportSendForm(initial={"sent_on": _today()}),
            "reason_form": ReasonForm(),
        },
    )


@role_required(Role.OFFICE)
def violation_new(request: HttpRequest) -> HttpResponse:
    today = _today()
    form = ViolationForm(
        request.POST or None, items=selectors.fine_items(today), initial={"occurred_on": today}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            v = services.violation_record(
                actor=request.user,
                item_code=d["item_code"],
                occurred_on=d["occurred_on"],
                note=d["note"],
                staff=d.get("staff"),
                offender_name=d["offender_name"],
                window=d.get("window"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记 {v.no}。")
            return redirect("violation_detail", no=v.no)
    return render(request, "supervision/violation_new.html", {"form": form})


@role_required()
def violation_detail(request: HttpRequest, no: str) -> HttpResponse:
    v = selectors.violation_for_user(request.user, no)
    return render(
        request,
        "supervision/violation_detail.html",
        {
            "v": v,
            "events": selectors.events_for(SubjectType.VIOLATION, v.pk),
            "month_count": selectors.month_count(v),
            "reports": list(v.unit_reports.all()),
            "counter": getattr(v, "reversal", None) if v.status == ViolationStatus.REVERSED else None,
            "can_reverse": has_role(request.user, Role.OFFICE) and v.status == ViolationStatus.ACTIVE,
            "reason_form": ReasonForm(),
        },
    )


@require_POST
@role_required(Role.OFFICE)
def violation_reverse(request: HttpRequest, no: str) -> HttpResponse:
    v = selectors.violation_for_user(request.user, no)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.violation_reverse(
                actor=request.user, violation=v, reason=form.cleaned_data["reason"]
            ),
            f"{v.no} 已冲正（原记录保留，另记一条冲正记录）。",
        )
    else:
        _form_error(request, form)
    return redirect("violation_detail", no=no)


@require_POST
@role_required(Role.OFFICE)
def violation_sync(request: HttpRequest) -> HttpResponse:
    period, key = _period(request)
    holder: dict[str, services.SyncResult] = {}

    def sync() -> None:
        holder["r"] = services.violation_sync_sources(actor=request.user, start=period.start, end=period.end)

    try:
        sync()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        r = holder["r"]
        messages.success(
            request,
            f"已同步{period.label}的有效投诉处罚和违反首问负责制记录："
            f"新增 {r.added} 条，冲正 {r.reversed} 条。",
        )
    return redirect(reverse("violation_ledger") + f"?period={key}")


@require_POST
@role_required(Role.OFFICE)
def report_send(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_user(request.user, pk)
    form = ReportSendForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.unit_report_send(
                actor=request.user,
                report=report,
                sent_on=form.cleaned_data["sent_on"],
                note=form.cleaned_data["note"],
            ),
            f"已记录向{report.unit}通报。",
        )
    else:
        _form_error(request, form)
    return redirect(request.POST.get("next") or reverse("violation_ledger"))


@require_POST
@role_required(Role.OFFICE)
def report_retract(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.unit_report_retract(
                actor=request.user, report=report, note=form.cleaned_data["reason"]
            ),
            "已记录更正。",
        )
    else:
        _form_error(request, form)
    return redirect(request.POST.get("next") or reverse("violation_ledger"))


# ---------------------------------------------------------------------------------------
# Third-party inspections


@role_required(*SEE)
def tp_home(request: HttpRequest) -> HttpResponse:
    """第三方检查: quarterly reports, and the issue notices by state (overdue first)."""
    today = _today()
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
    today = _today()
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
        return add_workdays(_today(), rectify_working_days())
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

        if _run(request, issue, "已下达问题交办函。"):
            return redirect("issue_notice_detail", no=holder["n"].no)
    else:
        _form_error(request, form)
    return redirect("tp_report_detail", pk=finding.report_id)


@role_required(*SEE)
def notice_detail(request: HttpRequest, no: str) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, no)
    today = _today()
    head = services._is_branch_head(request.user, notice.branch_id)
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
            "events": selectors.events_for(SubjectType.NOTICE, notice.pk),
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
        _run(
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
        _form_error(request, form)
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


# ---------------------------------------------------------------------------------------
# Facilities


@role_required(*SEE)
def facility_list(request: HttpRequest) -> HttpResponse:
    """消防与便民设施: what expires soon or has expired comes first."""
    today = _today()
    branches = _visible_branches(request)
    can_manage = has_role(request.user, Role.OFFICE, Role.INSPECTOR, Role.HEAD, Role.ADMIN)
    form = FacilityForm(request.POST or None, branches=branches) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("您的角色不能登记设施。")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.facility_register(
                    actor=request.user,
                    branch=d["branch"],
                    kind=d["kind"],
                    name=d["name"],
                    location=d["location"],
                    valid_until=d["valid_until"],
                    serial=d["serial"],
                    note=d["note"],
                    last_checked_on=d.get("last_checked_on"),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已登记。")
                return redirect("facility_list")
    branch_id = _int(request.GET.get("branch"))
    rows = selectors.facilities(
        request.user, today=today, branch_id=branch_id, include_retired=request.GET.get("retired") == "1"
    )
    return render(
        request,
        "supervision/facility_list.html",
        {
            "rows": rows,
            "form": form,
            "branches": branches,
            "branch_id": branch_id,
            "warn_days": facility_warn_days(),
            "expired": sum(1 for r in rows if r.state == "expired"),
            "expiring": sum(1 for r in rows if r.state == "expiring"),
            "can_manage": can_manage,
            "renew_form": RenewForm(initial={"checked_on": today}),
            "retire_form": ReasonForm(),
        },
    )


@require_POST
@role_required(Role.OFFICE, Role.INSPECTOR, Role.HEAD, Role.ADMIN)
def facility_renew(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.facility_for_user(request.user, pk)
    form = RenewForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _run(
            request,
            lambda: services.facility_renew(
                actor=request.user,
                facility=facility,
                valid_until=d["valid_until"],
                checked_on=d["checked_on"],
                note=d["note"],
            ),
            f"{facility} 的有效期已更新。",
        )
    else:
        _form_error(request, form)
    return redirect("facility_list")


@require_POST
@role_required(Role.OFFICE, Role.INSPECTOR, Role.HEAD, Role.ADMIN)
def facility_retire(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.facility_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.facility_retire(
                actor=request.user, facility=facility, reason=form.cleaned_data["reason"]
            ),
            "已停用。",
        )
    else:
        _form_error(request, form)
    return redirect("facility_list")
