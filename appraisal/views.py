"""考核评价 pages: the window score (000 §五(五)) per window and per staff member (the
branch's daily appraisal table), the quarterly appraisal (002 篇2) with its entries,
peer review and publication, one's own appraisal, and the public notice board (公示栏)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from appraisal import selectors, services
from appraisal.forms import EntryForm, ParticipantsForm, PublishForm, QuarterOpenForm, ReasonForm
from appraisal.models import AppraisalEntry, AppraisalQuarter, QuarterStatus
from audit.services import audit_record
from common import clock
from common.actors import staff_of
from common.errors import DomainError
from common.excel import xlsx_response
from common.numbers import parse_id
from common.periods import InvalidPeriod, Period, parse_period
from org.access import branch_scope, has_role, role_required
from org.models import Role, Staff
from rules.selectors import NoRulesInForce

SCORES = (Role.OFFICE, Role.LEADER, Role.HEAD, Role.INSPECTOR, Role.ADMIN)
QUARTERS = (Role.OFFICE, Role.LEADER, Role.HEAD, Role.ADMIN)


def _run(request: HttpRequest, action: Callable[[], Any], ok: str) -> bool:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


def _period(request: HttpRequest) -> Period:
    today = clock.today()
    text = (request.GET.get("period") or "").strip() or f"{today:%Y-%m}"
    try:
        return parse_period(text)
    except InvalidPeriod as exc:
        messages.error(request, str(exc))
        return parse_period(f"{today:%Y-%m}")


def _scope_ids(request: HttpRequest) -> frozenset[int] | None:
    return branch_scope(request.user)


@role_required(*SCORES)
def window_scores(request: HttpRequest) -> HttpResponse:
    """服务窗口评价: 80 citizen + 20 supervision per window, or per staff member (管理部日常考核表)."""
    period = _period(request)
    by = "staff" if request.GET.get("by") == "staff" else "window"
    scope = _scope_ids(request)
    branch_id = parse_id(request.GET.get("branch"))
    if branch_id is not None and (scope is None or branch_id in scope):
        scope = frozenset({branch_id})
    try:
        table = selectors.window_score_table(period, by=by, branch_ids=scope)  # type: ignore[arg-type]
    except NoRulesInForce as exc:
        messages.error(request, exc.message)
        return render(request, "appraisal/window_scores.html", {"table": None, "period": period, "by": by})
    if request.GET.get("format") == "xlsx":
        from appraisal.export import window_scores_workbook

        audit_record(
            actor=request.user,
            action="appraisal.window_scores.export",
            summary=f"导出窗口评分 {period.label}",
        )
        name = "管理部日常考核表" if by == "staff" else "服务窗口评价"
        return xlsx_response(window_scores_workbook(table), f"{name}-{period.key}.xlsx")
    return render(
        request,
        "appraisal/window_scores.html",
        {
            "table": table,
            "period": period,
            "by": by,
            "branches": selectors.branches_for(_scope_ids(request)),
            "branch_id": parse_id(branch_id),
            "groups": _group(table.rows),
        },
    )


def _group(rows: list[Any]) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for r in rows:
        groups.setdefault(r.group_label, []).append(r)
    return list(groups.items())


@role_required(*QUARTERS)
def quarter_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    form = QuarterOpenForm(
        request.POST or None, initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1}
    )
    if request.method == "POST":
        if not has_role(request.user, Role.OFFICE):
            raise PermissionDenied("季度考核由业务管理处开始。")
        if form.is_valid():
            holder: dict[str, AppraisalQuarter] = {}

            def open_quarter() -> None:
                holder["q"] = services.quarter_open(
                    actor=request.user, year=form.cleaned_data["year"], quarter=form.cleaned_data["quarter"]
                )

            if _run(request, open_quarter, "已开始季度考核，请核对考核对象。"):
                return redirect("quarter_detail", key=holder["q"].key)
    return render(
        request,
        "appraisal/quarter_list.html",
        {
            "quarters": selectors.quarters(),
            "changed": set(selectors.changed_quarter_keys()),
            "form": form,
            "office": has_role(request.user, Role.OFFICE),
            "years": sorted({q.year for q in selectors.published_quarters()}, reverse=True),
        },
    )


@role_required(*QUARTERS)
def quarter_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A quarter: computed live from the records while open, as published afterwards."""
    quarter = selectors.quarter_by_key(key)
    scope = _scope_ids(request)
    office = has_role(request.user, Role.OFFICE)
    context: dict[str, Any] = {
        "q": quarter,
        "office": office,
        "events": selectors.events_for_quarter(quarter),
        "publications": selectors.publications(quarter),
    }
    if quarter.status == QuarterStatus.PUBLISHED:
        # Published results stay true: compare the publication with the records now (the
        # nightly sweep does the same for every published quarter).
        try:
            services.publication_check(quarter=quarter)
        except DomainError as exc:
            messages.error(request, exc.message)
        quarter.refresh_from_db()
        change = selectors.open_change(quarter)
        context["change"] = change
        if change is not None:
            context["change_rows"], context["rank_only"] = selectors.change_rows(change)
        context["republish_form"] = ReasonForm()
        results = selectors.current_results(quarter)
        if scope is not None:
            allowed = set(Staff.objects.filter(branch_id__in=scope).values_list("pk", flat=True))
            results = [r for r in results if r.staff_id in allowed]
        context["results"] = results
        context["withdraw_form"] = ReasonForm()
    else:
        try:
            preview = selectors.quarter_preview(quarter)
        except NoRulesInForce as exc:
            messages.error(request, exc.message)
            return redirect("quarter_list")
        if scope is not None:
            preview.rows = [r for r in preview.rows if r.staff.branch_id in scope]
        context["preview"] = preview
        context["publish_form"] = PublishForm()
        context["ended"] = services.quarter_range(quarter).end < clock.today()
        if office:
            context["participants_form"] = ParticipantsForm(
                initial={"staff": list(quarter.participants.values_list("staff_id", flat=True))}
            )
    if request.GET.get("format") == "xlsx" and quarter.status == QuarterStatus.PUBLISHED:
        from appraisal.export import quarter_workbook

        audit_record(
            actor=request.user,
            action="appraisal.quarter.export",
            obj=quarter,
            summary=f"导出{quarter}考核结果",
        )
        return xlsx_response(quarter_workbook(quarter, context["results"]), f"季度考核-{quarter.key}.xlsx")
    return render(request, "appraisal/quarter_detail.html", context)


@require_POST
@role_required(Role.OFFICE)
def quarter_participants(request: HttpRequest, key: str) -> HttpResponse:
    quarter = selectors.quarter_by_key(key)
    form = ParticipantsForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.participants_set(
                actor=request.user, quarter=quarter, staff=list(form.cleaned_data["staff"])
            ),
            "考核对象已更新。",
        )
    return redirect("quarter_detail", key=key)


@require_POST
@role_required(Role.OFFICE)
def quarter_publish(request: HttpRequest, key: str) -> HttpResponse:
    quarter = selectors.quarter_by_key(key)
    form = PublishForm(request.POST)
    form.is_valid()
    _run(
        request,
        lambda: services.quarter_publish(
            actor=request.user, quarter=quarter, note=form.cleaned_data.get("note", "")
        ),
        f"{quarter}考核结果已在公示栏公布。",
    )
    return redirect("quarter_detail", key=key)


@require_POST
@role_required(Role.OFFICE)
def quarter_withdraw(request: HttpRequest, key: str) -> HttpResponse:
    quarter = selectors.quarter_by_key(key)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.quarter_withdraw(
                actor=request.user, quarter=quarter, reason=form.cleaned_data["reason"]
            ),
            "已撤回公示；更正后可再次公示。",
        )
    else:
        messages.error(request, "请填写撤回公示的理由。")
    return redirect("quarter_detail", key=key)


@require_POST
@role_required(Role.OFFICE)
def quarter_republish(request: HttpRequest, key: str) -> HttpResponse:
    """更正公示: publish the quarter again from the records as they are now."""
    quarter = selectors.quarter_by_key(key)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.quarter_republish(
                actor=request.user, quarter=quarter, reason=form.cleaned_data["reason"]
            ),
            "已更正公示：公示栏显示新的结果，并注明更正。",
        )
    else:
        messages.error(request, "请填写更正的原因。")
    return redirect("quarter_detail", key=key)


def _can_see_person(request: HttpRequest, staff: Staff) -> bool:
    me = staff_of(request.user)
    if me is not None and me.pk == staff.pk:
        return True
    if has_role(request.user, Role.OFFICE, Role.LEADER, Role.ADMIN):
        return True
    scope = _scope_ids(request)
    return has_role(request.user, Role.HEAD) and scope is not None and staff.branch_id in scope


@role_required()
def person_detail(request: HttpRequest, key: str, staff_no: str) -> HttpResponse:
    quarter = selectors.quarter_by_key(key)
    staff = Staff.objects.select_related("branch", "department").filter(staff_no=staff_no).first()
    if staff is None or not _can_see_person(request, staff):
        raise Http404("没有这位工作人员的考核，或您无权查看。")
    if not quarter.participants.filter(staff=staff).exists():
        raise Http404(f"{staff.name}不是{quarter}的考核对象。")
    view = selectors.person_view(quarter, staff)
    return render(
        request,
        "appraisal/person_detail.html",
        {
            "q": quarter,
            "v": view,
            "office": has_role(request.user, Role.OFFICE),
            "withdraw_form": ReasonForm(),
        },
    )


@role_required(Role.OFFICE)
def entry_new(request: HttpRequest, key: str) -> HttpResponse:
    quarter = selectors.quarter_by_key(key)
    params = services.quarter_params(quarter)
    people = (
        Staff.objects.filter(pk__in=quarter.participants.values_list("staff_id", flat=True))
        .select_related("branch")
        .order_by("branch__code", "staff_no")
    )
    staff_no = request.GET.get("staff")
    initial: dict[str, Any] = {"occurred_on": min(clock.today(), services.quarter_range(quarter).end)}
    if staff_no:
        initial["staff"] = people.filter(staff_no=staff_no).first()
    form = EntryForm(
        request.POST or None, request.FILES or None, params=params, people=people, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = services.entry_record(
                actor=request.user,
                quarter=quarter,
                staff=d["staff"],
                item_code=d["item_code"],
                quantity=d["quantity"],
                occurred_on=d["occurred_on"],
                evidence=d["evidence"],
                evidence_file=d.get("evidence_file"),
                other_party=d.get("other_party"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记 {entry.staff.name} {entry.item_code}×{entry.quantity}。")
            return redirect("person_detail", key=key, staff_no=entry.staff.staff_no)
    return render(request, "appraisal/entry_new.html", {"q": quarter, "form": form})


@require_POST
@role_required(Role.OFFICE)
def entry_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = AppraisalEntry.objects.select_related("quarter", "staff").filter(pk=pk).first()
    if entry is None:
        raise Http404("没有这条登记。")
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.entry_withdraw(
                actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
            ),
            "已撤销。",
        )
    return redirect("person_detail", key=entry.quarter.key, staff_no=entry.staff.staff_no)


@role_required()
def entry_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    entry = AppraisalEntry.objects.select_related("staff").filter(pk=pk).first()
    if entry is None or not entry.evidence_file or not _can_see_person(request, entry.staff):
        raise Http404("没有这份证明材料，或您无权查看。")
    from appraisal.services import EVIDENCE_TYPES

    name = entry.evidence_file.name.rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    with entry.evidence_file.open("rb") as handle:
        data = handle.read()
    response = HttpResponse(data, content_type=EVIDENCE_TYPES.get(suffix, "application/octet-stream"))
    response["Content-Disposition"] = (
        content_disposition_header(True, f"证明材料-{entry.pk}{suffix}") or "inline"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required()
def peer_review(request: HttpRequest) -> HttpResponse:
    """互评: the ballot of the open quarter — 好/中/差 for every colleague of the branch."""
    me = staff_of(request.user)
    quarter = selectors.staff_open_quarter(me)
    targets = services.peer_targets(quarter, me) if quarter and me else []
    cast = bool(quarter and me and quarter.ballots.filter(rater=me).exists())
    levels: list[str] = []
    if quarter:
        levels = list(services.quarter_params(quarter).peer_review.levels)
    chosen = {s.pk: request.POST.get(f"v{s.pk}", "") for s in targets}
    if request.method == "POST":
        if quarter is None:
            raise PermissionDenied("您目前没有需要参加的互评。")
        votes = {pk: level for pk, level in chosen.items() if level}
        if _run(
            request,
            lambda: services.peer_ballot_submit(actor=request.user, quarter=quarter, votes=votes),
            "互评已提交。谢谢！",
        ):
            return redirect("peer_review")
    return render(
        request,
        "appraisal/peer_review.html",
        {
            "q": quarter,
            "targets": [(s, chosen.get(s.pk, "")) for s in targets],
            "cast": cast,
            "levels": levels,
        },
    )


@role_required()
def my_appraisal(request: HttpRequest) -> HttpResponse:
    """我的考核: my published quarters and, while a quarter is open, how it stands now."""
    me = staff_of(request.user)
    if me is None:
        return render(request, "appraisal/mine.html", {"me": None})
    quarters = list(AppraisalQuarter.objects.filter(participants__staff=me).order_by("-year", "-quarter")[:8])
    rows = [(q, selectors.person_view(q, me)) for q in quarters]
    return render(
        request,
        "appraisal/mine.html",
        {"me": me, "rows": rows, "open_quarter": selectors.staff_open_quarter(me)},
    )


@role_required(Role.OFFICE, Role.LEADER, Role.ADMIN)
def annual_view(request: HttpRequest, year: int) -> HttpResponse:
    """年终总评 (the mean of the published quarters)."""
    try:
        rows = selectors.annual_results(year)
    except NoRulesInForce as exc:
        messages.error(request, exc.message)
        rows = []
    return render(request, "appraisal/annual.html", {"year": year, "rows": rows})


# --- 公示栏 (public) ---------------------------------------------------------------------


def notice_board(request: HttpRequest) -> HttpResponse:
    """公示栏 (002 篇2 二(二)): the published quarterly results, public like the board in
    the hall, "接受领导和群众监督"."""
    return render(request, "appraisal/notice_board.html", {"quarters": selectors.published_quarters()})


def notice_board_quarter(request: HttpRequest, key: str) -> HttpResponse:
    quarter = selectors.quarter_by_key(key)
    if quarter.status != QuarterStatus.PUBLISHED:
        raise Http404("该季度的考核结果尚未公示。")
    response = render(
        request,
        "appraisal/notice_board_quarter.html",
        {
            "q": quarter,
            "results": selectors.current_results(quarter),
            "publications": selectors.publications(quarter),
            "corrections": selectors.corrections(quarter),
        },
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
