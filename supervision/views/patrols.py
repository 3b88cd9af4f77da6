"""巡查 pages (002 篇4 二): the month's 巡查表 of a branch, recording a round with its
violations, a patrol's detail with the duty leader's signature, and the monthly summary
with the leaders' sign-off (签批)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common import clock
from common.actors import staff_of
from common.errors import DomainError
from common.periods import Period
from org.access import has_role, role_required
from org.models import Role
from rules.models import RuleKind
from rules.selectors import NoRulesInForce, rules_in_force
from supervision import selectors, services
from supervision.forms import (
    PatrolForm,
    ReasonForm,
    SignForm,
    SummarySignForm,
    SummarySubmitForm,
    ViolationRowForm,
)
from supervision.models import (
    Capacity,
    PatrolStatus,
    PatrolSummary,
    SummaryStatus,
)
from supervision.views._common import (
    SEE,
    form_error,
    int_param,
    month_param,
    run,
    visible_branches,
)


@role_required(*SEE)
def patrol_home(request: HttpRequest) -> HttpResponse:
    """巡查表: one branch, one month — every working day's morning and afternoon round."""
    branches = visible_branches(request)
    branch = branches.filter(pk=int_param(request.GET.get("branch"))).first() or branches.first()
    month = month_param(request)
    today = clock.today()
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
    today = clock.today()
    day = _parse_date(request.GET.get("day")) or today
    try:
        rounds = selectors.patrol_rounds(day)
        items = _item_choices(day)
    except NoRulesInForce as exc:
        messages.error(request, exc.message)
        return redirect("patrol_home")
    initial: dict[str, Any] = {
        "branch": int_param(request.GET.get("branch")),
        "day": day,
        "round_code": request.GET.get("round") or rounds[0][0],
    }
    me = staff_of(request.user)
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
    index = min(int_param(request.GET.get("i")) or 0, 49)
    day = _parse_date(request.GET.get("day")) or clock.today()
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
    me = staff_of(request.user)
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
            "events": selectors.timeline(patrol),
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
    run(
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
        run(
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
        run(
            request,
            lambda: services.patrol_void(
                actor=request.user, patrol=patrol, reason=form.cleaned_data["reason"]
            ),
            "巡查记录已作废，其违规记录已冲正。",
        )
    else:
        form_error(request, form)
    return redirect("patrol_detail", pk=pk)


@role_required(Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN)
def patrol_summary(request: HttpRequest) -> HttpResponse:
    """The month's figures as they stand, the summaries submitted and their signatures."""
    today = clock.today()
    default = _shift_month(Period.month(today.year, today.month), -1)
    month = month_param(request) if request.GET.get("month") else _month_from(default)
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
    month = month_param(request) if request.GET.get("month") else None
    form = SummarySubmitForm(request.POST)
    if month is None or not form.is_valid():
        messages.error(request, "请选择要报送的月份。")
        return redirect("patrol_summary")
    holder: dict[str, PatrolSummary] = {}

    def submit() -> None:
        holder["s"] = services.summary_submit(
            actor=request.user, month=month.start, note=form.cleaned_data["note"]
        )

    if run(request, submit, f"{month.label}巡查汇总已报送分管领导和主要领导签批。"):
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
            "events": selectors.timeline(summary),
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
        run(
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
        form_error(request, form)
    return redirect("summary_detail", pk=pk)
