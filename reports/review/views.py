"""Pages and PDFs of the management reports: the weekly review of a hall (000 §二(一)4),
the yearly complaint analysis (000 §五(四)12) and the published tables (000 §五(五);
002 篇2 二(二))."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from appraisal.models import AppraisalQuarter, QuarterStatus
from appraisal.selectors import current_results, published_quarters, window_score_table
from audit.services import audit_record
from common import clock
from common.actors import staff_of
from common.errors import DomainError
from common.periods import InvalidPeriod, Period
from documents.render import pdf_response
from org.access import branch_scope, has_role, role_required
from org.models import Branch, Role
from reports.review import complaints_yearly, published, weekly
from reports.review.figures import InvalidWeek, parse_week, week_figures, week_key, week_label
from rules.selectors import NoRulesInForce
from supervision import services
from supervision.models import (
    Adoption,
    AnalysisStatus,
    ComplaintAnalysis,
    WeeklyReview,
    WeeklyReviewStatus,
)

WEEKLY_ROLES = (Role.HEAD, Role.OFFICE, Role.LEADER)
ANALYSIS_ROLES = (Role.OFFICE, Role.LEADER)
PUBLISHED_ROLES = (Role.OFFICE, Role.LEADER, Role.HEAD)
RECENT_WEEKS = 8
RECENT_PERIODS = 6


def _is_head_of(request: HttpRequest, branch: Branch) -> bool:
    staff = staff_of(request.user)
    return bool(staff and staff.branch_id == branch.pk and has_role(request.user, Role.HEAD))


def _branch(request: HttpRequest, code: str) -> Branch:
    """A branch the user may see (another branch's head gets a 404, not its name)."""
    return get_object_or_404(Branch.objects.visible_to(request.user), code=code)


def _week(text: str) -> date:
    try:
        return parse_week(text)
    except InvalidWeek as exc:
        raise Http404(str(exc)) from None


# ---------------------------------------------------------------------------------------
# Weekly review


@role_required(*WEEKLY_ROLES)
def weekly_review_page(request: HttpRequest) -> HttpResponse:
    """The week's record of a hall beside its figures: the head fills it in; the office
    and leaders read every hall's."""
    branches = list(Branch.objects.visible_to(request.user).filter(is_active=True).order_by("code"))
    if not branches:
        raise Http404("您的账号没有所属管理部，无法查看每周工作总结。")
    code = request.GET.get("branch") or ""
    branch = next((b for b in branches if b.code == code), None)
    if code and branch is None:
        raise Http404("没有这个管理部，或您无权查看。")
    branch = branch or branches[0]
    this_week = services.week_monday(clock.today())
    week_text = request.GET.get("week") or ""
    try:
        monday = parse_week(week_text) if week_text else this_week
    except InvalidWeek as exc:
        messages.error(request, str(exc))
        monday = this_week
    if monday > this_week:
        messages.error(request, "不能查看尚未开始的周，已显示本周。")
        monday = this_week
    review = WeeklyReview.objects.filter(branch=branch, week_start=monday).first()
    figures = week_figures(branch, monday, include_complaint_text=has_role(request.user, *ANALYSIS_ROLES))
    recent = {
        r.week_start: r
        for r in WeeklyReview.objects.filter(
            branch=branch, week_start__gt=this_week - timedelta(weeks=RECENT_WEEKS)
        ).only("week_start", "status", "branch_id")
    }
    weeks = [
        {
            "key": week_key(d),
            "label": week_label(d),
            "review": recent.get(d),
            "current": d == monday,
        }
        for d in (this_week - timedelta(weeks=i) for i in range(RECENT_WEEKS))
    ]
    can_edit = _is_head_of(request, branch) and (review is None or review.status == WeeklyReviewStatus.DRAFT)
    return render(
        request,
        "reports/review/weekly.html",
        {
            "branch": branch,
            "branches": branches,
            "monday": monday,
            "key": week_key(monday),
            "label": week_label(monday),
            "previous": week_key(monday - timedelta(weeks=1)),
            "next": week_key(monday + timedelta(weeks=1)) if monday < this_week else "",
            "review": review,
            "events": list(review.events.all()) if review else [],
            "f": figures,
            "weeks": weeks,
            "can_edit": can_edit,
            "can_submit": can_edit and review is not None,
            "can_reopen": review is not None
            and review.status == WeeklyReviewStatus.SUBMITTED
            and (_is_head_of(request, branch) or has_role(request.user, Role.OFFICE)),
            "adoptions": Adoption.choices,
            "form": request.session.pop("weekly_review_form", None),
        },
    )


def _weekly_input(request: HttpRequest) -> services.WeeklyReviewInput:
    post = request.POST
    return services.WeeklyReviewInput(
        arrangements=post.get("arrangements", ""),
        problems=post.get("problems", ""),
        policy_study=post.get("policy_study", ""),
        summary=post.get("summary", ""),
        safety_checked=post.get("safety_checked") == "on",
        safety_findings=post.get("safety_findings", ""),
        hygiene_checked=post.get("hygiene_checked") == "on",
        hygiene_findings=post.get("hygiene_findings", ""),
        site_visits=post.get("site_visits", ""),
        suggestions=post.get("suggestions", ""),
        adoption=post.get("adoption", Adoption.NONE),
        adoption_note=post.get("adoption_note", ""),
    )


@require_POST
@role_required(*WEEKLY_ROLES)
def weekly_review_action(request: HttpRequest, branch: str, week: str) -> HttpResponse:
    """Save (保存), submit (保存并提交) or reopen (退回修改) the week's record."""
    hall = _branch(request, branch)
    monday = _week(week)
    action = request.POST.get("action", "save")
    target = f"{reverse('reports_weekly')}?branch={hall.code}&week={week_key(monday)}"
    try:
        if action in ("save", "submit"):
            review = services.weekly_review_save(
                actor=request.user, branch=hall, week_start=monday, entries=_weekly_input(request)
            )
            if action == "submit":
                services.weekly_review_submit(actor=request.user, review=review)
                messages.success(request, "本周工作总结已提交。")
            else:
                messages.success(request, "已保存。")
        elif action == "reopen":
            review = get_object_or_404(WeeklyReview, branch=hall, week_start=monday)
            services.weekly_review_reopen(
                actor=request.user, review=review, reason=request.POST.get("reason", "")
            )
            messages.success(request, "已退回修改，负责人可以修改后重新提交。")
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
        if action in ("save", "submit"):
            # Keep what was typed so nothing is lost when the save is refused.
            request.session["weekly_review_form"] = {
                k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"
            }
        if exc.status == 403:
            return render(request, "reports/review/refused.html", {"message": exc.message}, status=403)
    return redirect(target)


@role_required(*WEEKLY_ROLES)
def weekly_review_pdf(request: HttpRequest, branch: str, week: str) -> HttpResponse:
    hall = _branch(request, branch)
    monday = _week(week)
    if monday > services.week_monday(clock.today()):
        raise Http404("该周尚未开始。")
    review = WeeklyReview.objects.filter(branch=hall, week_start=monday).first()
    figures = week_figures(hall, monday, include_complaint_text=has_role(request.user, *ANALYSIS_ROLES))
    data = weekly.weekly_pack_pdf(figures, review)
    audit_record(
        actor=request.user,
        action="reports.weekly_review.print",
        obj=review,
        summary=f"打印每周工作总结 {hall.name} {week_key(monday)}",
    )
    return pdf_response(data, f"每周工作总结-{hall.code}-{week_key(monday)}.pdf")


# ---------------------------------------------------------------------------------------
# Yearly complaint analysis


def _year(year: int) -> int:
    if not 2000 <= year <= clock.today().year:
        raise Http404("只能分析 2000 年至今年的年度。")
    return year


@role_required(*ANALYSIS_ROLES)
def complaints_year_redirect(request: HttpRequest) -> HttpResponse:
    return redirect("reports_complaints_year", year=clock.today().year)


@role_required(*ANALYSIS_ROLES)
def complaints_year_page(request: HttpRequest, year: int) -> HttpResponse:
    data = complaints_yearly.year_analysis(_year(year))
    written = ComplaintAnalysis.objects.filter(year=year).first()
    this_year = clock.today().year
    return render(
        request,
        "reports/review/complaints_year.html",
        {
            "d": data,
            "a": data.analysis,
            "t": data.analysis.total,
            "written": written,
            "events": list(written.events.all()) if written else [],
            "years": list(range(this_year, max(1999, this_year - 5), -1)),
            "month_max": max((n for _, n in data.by_month), default=0),
            "chart": {
                "months": [m for m, _ in data.by_month],
                "counts": [n for _, n in data.by_month],
                "classes": [{"name": k, "value": n} for k, n in data.analysis.by_class],
                "channels": [{"name": k, "value": n} for k, n in data.analysis.by_channel],
            },
            "can_write": has_role(request.user, Role.OFFICE)
            and (written is None or written.status == AnalysisStatus.DRAFT),
            "can_submit": has_role(request.user, Role.OFFICE)
            and written is not None
            and written.status == AnalysisStatus.DRAFT,
            "can_decide": has_role(request.user, Role.LEADER)
            and written is not None
            and written.status == AnalysisStatus.SUBMITTED,
        },
    )


@require_POST
@role_required(*ANALYSIS_ROLES)
def complaints_year_action(request: HttpRequest, year: int) -> HttpResponse:
    year = _year(year)
    action = request.POST.get("action", "save")
    try:
        if action in ("save", "submit"):
            written = services.complaint_analysis_save(
                actor=request.user,
                year=year,
                causes=request.POST.get("causes", ""),
                measures=request.POST.get("measures", ""),
            )
            if action == "submit":
                services.complaint_analysis_submit(actor=request.user, analysis=written)
                messages.success(request, "已报中心审议。")
            else:
                messages.success(request, "已保存。")
        elif action in ("approve", "return"):
            written = get_object_or_404(ComplaintAnalysis, year=year)
            services.complaint_analysis_decide(
                actor=request.user,
                analysis=written,
                approve=action == "approve",
                opinion=request.POST.get("opinion", ""),
            )
            messages.success(
                request, "审议通过，开展整改落实。" if action == "approve" else "已退回业务管理处修改。"
            )
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        if exc.status == 403:
            return render(request, "reports/review/refused.html", {"message": exc.message}, status=403)
        messages.error(request, exc.message)
    return redirect("reports_complaints_year", year=year)


@role_required(*ANALYSIS_ROLES)
def complaints_year_pdf(request: HttpRequest, year: int) -> HttpResponse:
    data = complaints_yearly.year_analysis(_year(year))
    written = ComplaintAnalysis.objects.filter(year=year).first()
    pdf = complaints_yearly.complaints_year_pdf(data, written)
    audit_record(
        actor=request.user,
        action="reports.complaints_year.print",
        obj=written,
        summary=f"打印{year}年度投诉汇总分析",
    )
    return pdf_response(pdf, f"投诉年度分析-{year}.pdf")


# ---------------------------------------------------------------------------------------
# Published tables


def _closed_periods(today: date) -> list[Period]:
    """The latest ended months and quarters, newest first."""
    months: list[Period] = []
    day = today.replace(day=1) - timedelta(days=1)
    for _ in range(RECENT_PERIODS):
        months.append(Period.month(day.year, day.month))
        day = day.replace(day=1) - timedelta(days=1)
    quarters: list[Period] = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(4):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        quarters.append(Period.quarter(year, quarter))
    return quarters + months


@role_required(*PUBLISHED_ROLES)
def published_page(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    return render(
        request,
        "reports/review/published.html",
        {
            "quarters": published_quarters(),
            "periods": _closed_periods(today),
            "last_year": Period.year(today.year - 1),
        },
    )


@role_required(*PUBLISHED_ROLES)
def published_appraisal_pdf(request: HttpRequest, key: str) -> HttpResponse:
    quarter = _published_quarter(key)
    results = current_results(quarter)
    pdf = published.appraisal_pdf(quarter, results)
    audit_record(
        actor=request.user,
        action="reports.published.appraisal",
        obj=quarter,
        summary=f"打印{quarter}考核结果公示表",
    )
    return pdf_response(pdf, f"考核结果公示-{quarter.key}.pdf")


def _published_quarter(key: str) -> AppraisalQuarter:
    try:
        period = Period.parse(key)
        if period.kind != "quarter":
            raise InvalidPeriod(key)
        quarter = AppraisalQuarter.objects.get(year=period.start.year, quarter=(period.start.month + 2) // 3)
    except (InvalidPeriod, AppraisalQuarter.DoesNotExist):
        raise Http404("没有这个季度的考核。") from None
    if quarter.status != QuarterStatus.PUBLISHED:
        raise Http404("该季度的考核结果尚未公示，公示后才能打印公示表。")
    return quarter


@role_required(*PUBLISHED_ROLES)
def published_window_scores_pdf(request: HttpRequest, period: str) -> HttpResponse:
    try:
        parsed = Period.parse(period)
    except InvalidPeriod as exc:
        raise Http404(str(exc)) from None
    today = clock.today()
    if parsed.end >= today:
        raise Http404(f"{parsed.label}尚未结束，期间结束后才公示窗口评分。")
    by = "staff" if request.GET.get("by") == "staff" else "window"
    try:
        table = window_score_table(parsed, by=by, branch_ids=branch_scope(request.user), today=today)  # type: ignore[arg-type]
    except NoRulesInForce as exc:
        return render(request, "reports/review/refused.html", {"message": exc.message}, status=409)
    pdf = published.window_scores_pdf(table, today=today)
    audit_record(
        actor=request.user,
        action="reports.published.window_scores",
        summary=f"打印窗口评分公示表 {parsed.label}（{'按工作人员' if by == 'staff' else '按窗口'}）",
    )
    name = "管理部日常考核表" if by == "staff" else "窗口评分公示"
    return pdf_response(pdf, f"{name}-{parsed.key}.pdf")
