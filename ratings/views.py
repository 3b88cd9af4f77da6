"""Staff pages of 好差评: the overview with the citizen scores, the ratings and one rating
(annotation, appeal), the 差评 follow-up worklist, the 12329 callback list and task, the
monthly surveys, and the export for the provincial platform."""

from __future__ import annotations

import mimetypes
from datetime import date
from typing import Any, Literal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from common import clock
from common.errors import DomainError
from common.numbers import parse_id, parse_int
from common.periods import InvalidPeriod, Period, parse_period
from org.access import branch_scope, has_role, role_required
from org.models import Branch, Role
from ratings import access, selectors, services
from ratings.api import FORMULA, scores_in_scope
from ratings.evaluator import rating_levels
from ratings.forms import (
    AnnotateForm,
    AnswerForm,
    AppealDecideForm,
    AppealForm,
    CallForm,
    CloseCallbackForm,
    CloseForm,
    ContactForm,
    DecideForm,
    PhoneForm,
    RectifyForm,
    SurveyOpenForm,
    UnfoundedForm,
)
from ratings.models import (
    AnnotationStatus,
    AppealStatus,
    CallbackStatus,
    FollowUpStatus,
    HotlineCallback,
    PushBatch,
    Rating,
    RatingAnnotation,
    RatingAppeal,
    RatingChannel,
    SatisfactionLevel,
    SurveyRound,
    SurveyStatus,
    SurveyTarget,
)
from rules.models import RuleKind
from rules.selectors import rules_in_force

UNIT_KINDS: dict[str, Literal["staff", "window", "branch"]] = {
    "staff": "staff",
    "window": "window",
    "branch": "branch",
}


def _int(value: str | None) -> int:
    """A posted id; anything else is 0 (no such row → 404, never a 500)."""
    return parse_id(value) or 0


def _status(exc: DomainError) -> int:
    return exc.status if 400 <= exc.status < 500 else 422


def _period(request: HttpRequest, default: str | None = None) -> tuple[Period, str]:
    """The period of ?period= (month by default), and an error message when it is wrong."""
    today = clock.today()
    text = request.GET.get("period") or default or f"{today:%Y-%m}"
    try:
        return parse_period(text), ""
    except InvalidPeriod as exc:
        return parse_period(f"{today:%Y-%m}"), str(exc)


def _period_context(request: HttpRequest, **keep: str) -> dict[str, Any]:
    """?period= for the period form: the period, its error, the choices (with the period
    shown even when it is not among the recent ones) and the parameters to keep."""
    period, error = _period(request)
    choices = _period_choices()
    if period.key not in {key for key, _ in choices}:
        choices.insert(0, (period.key, period.label))
    return {"period": period, "period_error": error, "periods": choices, "keep": list(keep.items())}


def points_text(on: date) -> str:
    """“非常满意 +1，满意 0 …” from the window-score rule set in force on `on`."""
    rules = rules_in_force(RuleKind.WINDOW_SCORE, on)
    levels = sorted(rules.params.levels, key=lambda lv: -lv.level)
    return "，".join(f"{lv.label} {lv.points:+d}" if lv.points else f"{lv.label} 0" for lv in levels)


def callback_formula_text(on: date) -> str:
    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, on)
    levels = " + ".join(f"{lv.weight} × {lv.label}比例" for lv in rules.params.levels)
    dims = "、".join(f"{d.label}{d.weight}%" for d in rules.params.dimensions)
    return f"各项分值 = {levels}；回访得分 = {dims}（规则集 {rules.ref}）"


def _period_choices() -> list[tuple[str, str]]:
    today = clock.today()
    choices = []
    year, month = today.year, today.month
    for _ in range(12):
        choices.append((f"{year}-{month:02d}", f"{year}年{month}月"))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    quarter = (today.month - 1) // 3 + 1
    for q in range(quarter, 0, -1):
        choices.append((f"{today.year}-Q{q}", f"{today.year}年第{'一二三四'[q - 1]}季度"))
    choices.append((str(today.year), f"{today.year}年"))
    choices.append((str(today.year - 1), f"{today.year - 1}年"))
    return choices


# ---------------------------------------------------------------------------------------
# Overview and the citizen score


@role_required(*access.SCORE_ROLES, Role.INSPECTOR)
def home(request: HttpRequest) -> HttpResponse:
    """好差评 overview: the period's figures, the citizen scores (80 points) by staff,
    window or branch, and the worklists."""
    by = UNIT_KINDS.get(request.GET.get("by", ""), "staff")
    period_context = _period_context(request, by=by)
    period, error = period_context["period"], period_context["period_error"]
    today = clock.today()
    ratings = Rating.objects.visible_to(request.user).filter(
        rated_on__gte=period.start, rated_on__lte=period.end
    )
    figures = ratings.aggregate(
        total=Count("pk"),
        bad=Count("pk", filter=Q(is_bad=True)),
        counter=Count("pk", filter=Q(channel=RatingChannel.COUNTER)),
        qr=Count("pk", filter=Q(channel=RatingChannel.QR)),
        online=Count("pk", filter=Q(channel=RatingChannel.ONLINE)),
    )
    scores: list[Any] = []
    rules_ref = points = ""
    try:
        rules = rules_in_force(RuleKind.WINDOW_SCORE, period.end)
        rules_ref = rules.ref
        points = points_text(period.end)
        if has_role(request.user, *access.SCORE_ROLES):
            scores = scores_in_scope(
                request.user, selectors.citizen_scores(start=period.start, end=period.end, by=by), by
            )
    except DomainError as exc:
        error = exc.message
    follow_ups = selectors.follow_ups_for(request.user)
    context = {
        **period_context,
        "period_error": error,
        "by": by,
        "units": [("staff", "工作人员"), ("window", "窗口"), ("branch", "管理部")],
        "figures": figures,
        "scores": scores,
        "rules_ref": rules_ref,
        "points_text": points,
        "formula": FORMULA,
        "open_follow_ups": follow_ups.exclude(status=FollowUpStatus.CLOSED).count(),
        "overdue_follow_ups": follow_ups.filter(selectors.follow_up_overdue_q(today)).count(),
        "pending_callbacks": HotlineCallback.objects.visible_to(request.user)
        .filter(status=CallbackStatus.PENDING)
        .count(),
        "pending_annotations": RatingAnnotation.objects.filter(
            status=AnnotationStatus.PROPOSED, rating__in=Rating.objects.visible_to(request.user)
        ).count(),
        "pending_appeals": RatingAppeal.objects.filter(
            status=AppealStatus.SUBMITTED, annotation__rating__in=Rating.objects.visible_to(request.user)
        ).count(),
        "can_see_scores": has_role(request.user, *access.SCORE_ROLES),
        "can_export": has_role(request.user, *access.EXPORT_ROLES),
        "is_office": has_role(request.user, Role.OFFICE),
    }
    return render(request, "ratings/home.html", context)


@role_required(*access.VIEW_ROLES)
def rating_list(request: HttpRequest) -> HttpResponse:
    period_context = _period_context(request)
    period = period_context["period"]
    qs = (
        Rating.objects.visible_to(request.user)
        .filter(rated_on__gte=period.start, rated_on__lte=period.end)
        .with_scoring()
        .select_related("branch", "window", "staff")
        .prefetch_related("annotations")
        .order_by("-rated_at", "-pk")
    )
    level = request.GET.get("level", "")
    if level == "bad":
        qs = qs.filter(is_bad=True)
    elif parse_int(level, minimum=1, maximum=5) is not None:
        qs = qs.filter(level=int(level))
    channel = request.GET.get("channel", "")
    if channel in RatingChannel.values:
        qs = qs.filter(channel=channel)
    branch = request.GET.get("branch", "")
    if branch:
        qs = qs.filter(branch__code=branch)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        **period_context,
        "page": page,
        "level": level,
        "level_choices": [(str(lv["level"]), lv["label"]) for lv in rating_levels(period.end)],
        "channel": channel,
        "branch": branch,
        "branches": Branch.objects.visible_to(request.user).filter(is_active=True),
        "channels": RatingChannel.choices,
    }
    return render(request, "ratings/list.html", context)


# ---------------------------------------------------------------------------------------
# One rating: annotation (误评/恶意评价) and appeal


@role_required(*access.VIEW_ROLES)
def annotation_evidence(request: HttpRequest, pk: int, annotation_pk: int) -> HttpResponse:
    """An annotation's evidence file, through the access check of its rating (the
    file may show a citizen; it is never served from /media/ directly)."""
    rating = access.rating_for_user(request.user, pk)
    annotation = rating.annotations.filter(pk=annotation_pk).exclude(evidence_file="").first()
    if annotation is None:
        raise Http404("没有这个证据材料。")
    try:
        with annotation.evidence_file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise Http404("文件已不存在，请联系系统管理员。") from None
    name = annotation.evidence_file.name.rsplit("/", 1)[-1]
    response = HttpResponse(data, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, name) or "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*access.VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def rating_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rating = access.rating_for_user(request.user, pk)
    may_annotate = has_role(request.user, *access.ANNOTATE_ROLES)
    annotate_form = AnnotateForm()
    decide_form = DecideForm()
    appeal_form = AppealForm()
    appeal_decide_form = AppealDecideForm()
    status = 200
    if request.method == "POST":
        if not may_annotate:
            raise PermissionDenied("只有业务管理处或中心领导可以批注评价。")
        action = request.POST.get("action", "")
        try:
            if action == "annotate":
                annotate_form = AnnotateForm(request.POST, request.FILES)
                if annotate_form.is_valid():
                    data = annotate_form.cleaned_data
                    services.rating_annotation_propose(
                        actor=request.user,  # type: ignore[arg-type]
                        rating=rating,
                        kind=data["kind"],
                        reason=data["reason"],
                        evidence=data["evidence"],
                        evidence_file=data["evidence_file"],
                    )
                    messages.success(request, "已提出，须由另一位业务管理处人员或中心领导复核后生效。")
                    return redirect("ratings_detail", pk=pk)
            elif action == "decide":
                decide_form = DecideForm(request.POST)
                annotation = _annotation(rating, request.POST.get("annotation"))
                if decide_form.is_valid():
                    approve = decide_form.cleaned_data["decision"] == "approve"
                    services.rating_annotation_decide(
                        actor=request.user,  # type: ignore[arg-type]
                        annotation=annotation,
                        approve=approve,
                        note=decide_form.cleaned_data["note"],
                    )
                    messages.success(
                        request, "已核准：这条评价不再计入评分。" if approve else "已驳回：这条评价照常计分。"
                    )
                    return redirect("ratings_detail", pk=pk)
            elif action == "appeal":
                appeal_form = AppealForm(request.POST)
                annotation = _annotation(rating, request.POST.get("annotation"))
                if appeal_form.is_valid():
                    services.rating_appeal_submit(
                        actor=request.user,
                        annotation=annotation,
                        statement=appeal_form.cleaned_data["statement"],
                        contact_phone=appeal_form.cleaned_data["contact_phone"],
                        via="工作人员代为登记",
                    )
                    messages.success(request, "已登记评价人的申诉。")
                    return redirect("ratings_detail", pk=pk)
            elif action == "appeal_decide":
                appeal_decide_form = AppealDecideForm(request.POST)
                appeal = RatingAppeal.objects.filter(
                    pk=_int(request.POST.get("appeal")), annotation__rating=rating
                ).first()
                if appeal is None:
                    raise Http404("没有这条申诉。")
                if appeal_decide_form.is_valid():
                    grant = appeal_decide_form.cleaned_data["decision"] == "grant"
                    services.rating_appeal_decide(
                        actor=request.user,  # type: ignore[arg-type]
                        appeal=appeal,
                        grant=grant,
                        note=appeal_decide_form.cleaned_data["note"],
                    )
                    messages.success(
                        request, "申诉成立，评价恢复计分。" if grant else "申诉不成立，维持核销。"
                    )
                    return redirect("ratings_detail", pk=pk)
            else:
                raise Http404("没有这个操作。")
            status = 422
        except DomainError as exc:
            messages.error(request, exc.message)
            status = _status(exc)
    annotations = list(
        rating.annotations.select_related("proposed_by__staff", "decided_by__staff")
        .prefetch_related("events")
        .order_by("-proposed_at")
    )
    appeals = {a.annotation_id: a for a in RatingAppeal.objects.filter(annotation__rating=rating)}
    for annotation in annotations:
        annotation.appeal_row = appeals.get(annotation.pk)  # type: ignore[attr-defined]
    context = {
        "rating": rating,
        "annotations": annotations,
        "excluded": any(a.status == AnnotationStatus.APPROVED for a in annotations),
        "open_annotation": any(
            a.status in (AnnotationStatus.PROPOSED, AnnotationStatus.APPROVED) for a in annotations
        ),
        "follow_up": getattr(rating, "follow_up", None),
        "same_business": selectors.same_business_ratings(rating),
        "may_annotate": may_annotate,
        "annotate_form": annotate_form,
        "decide_form": decide_form,
        "appeal_form": appeal_form,
        "appeal_decide_form": appeal_decide_form,
    }
    return render(request, "ratings/detail.html", context, status=status)


def _annotation(rating: Rating, pk: str | None) -> RatingAnnotation:
    annotation = RatingAnnotation.objects.filter(rating=rating, pk=_int(pk)).first()
    if annotation is None:
        raise Http404("没有这条批注。")
    return annotation


# ---------------------------------------------------------------------------------------
# 差评 follow-up


FOLLOW_UP_STATES = {
    "active": "未办结",
    "overdue": "已逾期",
    "open": "待联系",
    "contacted": "核实整改中",
    "rectified": "待回访",
    "closed": "已办结",
    "all": "全部",
}


@role_required(*access.VIEW_ROLES)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "active")
    if state not in FOLLOW_UP_STATES:
        state = "active"
    today = clock.today()
    base = selectors.follow_ups_for(request.user)
    qs = selectors.follow_ups_for(request.user, state="" if state == "all" else state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for follow_up in page.object_list:
        follow_up.overdue = selectors.follow_up_is_overdue(follow_up, today)  # type: ignore[attr-defined]
    counters = {
        "active": base.exclude(status=FollowUpStatus.CLOSED).count(),
        "overdue": base.filter(selectors.follow_up_overdue_q(today)).count(),
        "pending_calendar": base.filter(due_pending_year__isnull=False)
        .exclude(status=FollowUpStatus.CLOSED)
        .count(),
    }
    context = {
        "page": page,
        "state": state,
        "states": FOLLOW_UP_STATES,
        "counters": counters,
        "today": today,
        "followup_rules": rules_in_force(RuleKind.RATING_FOLLOWUP, today),
    }
    return render(request, "ratings/followups.html", context)


@role_required(*access.VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = access.follow_up_for_user(request.user, pk)
    may_act = access.may_act_on_follow_up(request.user)
    forms_by_action: dict[str, Any] = {
        "contact": ContactForm(),
        "rectify": RectifyForm(),
        "unfounded": UnfoundedForm(),
        "close": CloseForm(),
    }
    status = 200
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied("只有业务管理处或本管理部负责人可以办理差评回访。")
        action = request.POST.get("action", "")
        if action not in forms_by_action:
            raise Http404("没有这个操作。")
        form = type(forms_by_action[action])(request.POST)
        forms_by_action[action] = form
        if form.is_valid():
            data = form.cleaned_data
            user: Any = request.user
            try:
                if action == "contact":
                    services.follow_up_contact(
                        actor=user, follow_up=follow_up, method=data["method"], note=data["note"]
                    )
                elif action == "rectify":
                    services.follow_up_rectify(actor=user, follow_up=follow_up, **data)
                elif action == "unfounded":
                    services.follow_up_close_unfounded(
                        actor=user, follow_up=follow_up, finding=data["finding"]
                    )
                else:
                    services.follow_up_close(
                        actor=user, follow_up=follow_up, satisfaction=data["satisfaction"], note=data["note"]
                    )
            except DomainError as exc:
                messages.error(request, exc.message)
                status = _status(exc)
            else:
                messages.success(request, "已保存。")
                return redirect("ratings_follow_up", pk=pk)
        else:
            status = 422
    rating = follow_up.rating
    context = {
        "f": follow_up,
        "rating": rating,
        "callback": follow_up.callback,
        "contact_phone": _follow_up_phone(follow_up),
        "events": follow_up.events.select_related("actor").order_by("at", "pk"),
        "overdue": selectors.follow_up_is_overdue(follow_up, clock.today()),
        "may_act": may_act,
        "forms": forms_by_action,
    }
    return render(request, "ratings/followup.html", context, status=status)


def _follow_up_phone(follow_up: Any) -> str:
    """Where to reach the citizen: the phone they left with the rating, the booking's
    mobile, the case's phone, or the callback's number."""
    rating = follow_up.rating
    if rating is not None:
        if rating.contact_phone:
            return str(rating.contact_phone)
        if rating.ticket_id:
            appointment = getattr(rating.ticket, "appointment", None)
            if appointment is not None:
                return str(appointment.mobile)
        if rating.case_id:
            return str(rating.case.agent_phone or rating.case.applicant_phone)
    if follow_up.callback is not None:
        return str(follow_up.callback.phone)
    return ""


# ---------------------------------------------------------------------------------------
# 12329 callbacks


CALLBACK_STATES = {
    "pending": "待回访",
    "completed": "已回访",
    "refused": "拒绝回访",
    "unreachable": "无法联系",
    "all": "全部",
}


@role_required(*access.CALLBACK_VIEW_ROLES)
def callback_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "pending")
    if state not in CALLBACK_STATES:
        state = "pending"
    qs = HotlineCallback.objects.visible_to(request.user).select_related("branch", "staff", "window")
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    if state != "all":
        qs = qs.filter(status=state)
    qs = (
        qs.order_by("service_completed_at", "pk")
        if state == "pending"
        else qs.order_by("-service_completed_at", "-pk")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "state": state, "states": CALLBACK_STATES, "counts": counts}
    return render(request, "ratings/callbacks.html", context)


@role_required(*access.CALLBACK_VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def callback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    callback = access.callback_for_user(request.user, pk)
    operator = has_role(request.user, *access.CALLBACK_ROLES)
    forms_by_action: dict[str, Any] = {
        "phone": PhoneForm(),
        "call": CallForm(),
        "answer": AnswerForm(),
        "close": CloseCallbackForm(),
    }
    status = 200
    user: Any = request.user
    if request.method == "POST":
        if not operator:
            raise PermissionDenied("只有12329回访人员（业务管理处）可以记录回访。")
        action = request.POST.get("action", "")
        if action not in forms_by_action:
            raise Http404("没有这个操作。")
        form = type(forms_by_action[action])(request.POST)
        forms_by_action[action] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "phone":
                    services.callback_phone_set(actor=user, callback=callback, phone=data["phone"])
                elif action == "call":
                    services.callback_attempt(
                        actor=user, callback=callback, outcome=data["outcome"], note=data["note"]
                    )
                elif action == "answer":
                    result = services.callback_record(
                        actor=user,
                        callback=callback,
                        attitude=data["attitude"],
                        efficiency=data["efficiency"],
                        ran_back=data["ran_back"] == "yes",
                        favours=data["favours"] == "yes",
                        dissatisfied_reason=data["dissatisfied_reason"],
                        comments=data["comments"],
                    )
                    if result.needs_follow_up:
                        messages.warning(request, "回访反映了问题，已转入差评回访整改。")
                else:
                    services.callback_close_unreachable(actor=user, callback=callback, note=data["note"])
            except DomainError as exc:
                messages.error(request, exc.message)
                status = _status(exc)
            else:
                messages.success(request, "已保存。")
                return redirect("ratings_callback", pk=pk)
        else:
            status = 422
        callback = access.callback_for_user(request.user, pk)
    phone = ""
    if operator and callback.status == CallbackStatus.PENDING and callback.phone:
        # The full number only for the operator who opens the task; each showing is logged.
        phone = services.callback_phone_reveal(actor=user, callback=callback)
    context = {
        "c": callback,
        "phone": phone,
        "operator": operator,
        "forms": forms_by_action,
        "events": callback.events.select_related("actor").order_by("at", "pk"),
        "follow_up": getattr(callback, "follow_up", None),
        "levels": SatisfactionLevel.choices,
    }
    return render(request, "ratings/callback.html", context, status=status)


@role_required(*access.SCORE_ROLES)
def callback_ranking(request: HttpRequest) -> HttpResponse:
    by: Literal["branch", "staff"] = "staff" if request.GET.get("by") == "staff" else "branch"
    period_context = _period_context(request, by=by)
    period, error = period_context["period"], period_context["period_error"]
    rows: list[Any] = []
    formula = ""
    labels: dict[str, str] = {}
    try:
        rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, period.end)
        formula = callback_formula_text(period.end)
        labels = {d.code: d.label for d in rules.params.dimensions}
        rows = selectors.callback_ranking(start=period.start, end=period.end, by=by)
    except DomainError as exc:
        error = exc.message
    scope = branch_scope(request.user)
    if scope is not None:
        from org.models import Staff

        allowed = (
            set(scope)
            if by == "branch"
            else set(Staff.objects.filter(branch_id__in=scope).values_list("pk", flat=True))
        )
        rows = [r for r in rows if r.unit_id in allowed]
    context = {
        **period_context,
        "period_error": error,
        "by": by,
        "rows": rows,
        "formula": formula,
        "dimension_labels": labels,
    }
    return render(request, "ratings/callback_ranking.html", context)


# ---------------------------------------------------------------------------------------
# Internal surveys (004 §五 二、三)


def _staff(request: HttpRequest) -> Any:
    return getattr(request.user, "staff", None)


@role_required()
@require_http_methods(["GET", "POST"])
def survey_home(request: HttpRequest) -> HttpResponse:
    """My open surveys (for the raters), and the rounds (for the office and leaders)."""
    manage = has_role(request.user, *access.SURVEY_MANAGE_ROLES)
    results = has_role(request.user, *access.SURVEY_RESULT_ROLES)
    form = SurveyOpenForm(request.POST or None, initial={"month": clock.today().replace(day=1)})
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("只有业务管理处可以发起满意度测评。")
        if form.is_valid():
            try:
                survey_round = services.survey_round_open(
                    actor=request.user,  # type: ignore[arg-type]
                    kind=form.cleaned_data["kind"],
                    month=form.cleaned_data["month"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                status = _status(exc)
            else:
                messages.success(request, f"已发起 {survey_round}。")
                return redirect("ratings_survey", pk=survey_round.pk)
        else:
            status = 422
    staff = _staff(request)
    mine = []
    for survey_round in SurveyRound.objects.filter(status=SurveyStatus.OPEN).prefetch_related("targets"):
        if staff is None or not selectors.survey_may_rate(staff, survey_round.kind):
            continue
        targets = [t for t in survey_round.targets.all() if t.leader_id != staff.pk]
        done = _answered_targets(survey_round, targets, staff)
        mine.append({"round": survey_round, "total": len(targets), "done": len(done)})
    rounds = []
    if results or manage:
        rounds = list(
            SurveyRound.objects.annotate(
                n_targets=Count("targets", distinct=True), n_responses=Count("responses", distinct=True)
            ).order_by("-month", "kind")[:36]
        )
    context = {"mine": mine, "rounds": rounds, "manage": manage, "results": results, "form": form}
    return render(request, "ratings/surveys.html", context, status=status)


def _answered_targets(survey_round: SurveyRound, targets: list[SurveyTarget], staff: Any) -> set[int]:
    keys = {
        services.survey_rater_key(survey_round=survey_round, target=t, staff=staff): t.pk for t in targets
    }
    found = survey_round.responses.filter(rater_key__in=list(keys)).values_list("rater_key", flat=True)
    return {keys[k] for k in found}


@role_required()
@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A rater answers each target; the office and leaders see the ranking."""
    survey_round = SurveyRound.objects.filter(pk=pk).first()
    if survey_round is None:
        raise Http404("没有这次测评。")
    staff = _staff(request)
    may_rate = staff is not None and selectors.survey_may_rate(staff, survey_round.kind)
    results = has_role(request.user, *access.SURVEY_RESULT_ROLES)
    manage = has_role(request.user, *access.SURVEY_MANAGE_ROLES)
    if not (may_rate or results or manage):
        raise PermissionDenied("您不在本测评的测评人范围内。")
    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, selectors.survey_month_end(survey_round.month))
    survey = next((s for s in rules.params.surveys if s.code == survey_round.kind), None)
    if survey is None:
        raise Http404("规则集中没有这项测评。")
    status = 200
    errors: dict[int, str] = {}
    posted: dict[int, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "close":
            if not manage:
                raise PermissionDenied("只有业务管理处可以结束测评。")
            try:
                services.survey_round_close(actor=request.user, survey_round=survey_round)  # type: ignore[arg-type]
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "测评已结束。")
            return redirect("ratings_survey", pk=pk)
        if action != "respond" or not may_rate:
            raise PermissionDenied("您不在本测评的测评人范围内。")
        target = survey_round.targets.filter(pk=_int(request.POST.get("target"))).first()
        if target is None:
            raise Http404("没有这个测评对象。")
        answers = {d.code: request.POST.get(f"answer_{d.code}", "") for d in survey.dimensions}
        reasons = {d.code: request.POST.get(f"reason_{d.code}", "") for d in survey.dimensions}
        try:
            services.survey_respond(
                rater=staff,
                target=target,
                answers=answers,
                reasons=reasons,
                comment=request.POST.get("comment", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            errors[target.pk] = exc.message
            posted[target.pk] = {
                "answers": answers,
                "reasons": reasons,
                "comment": request.POST.get("comment", ""),
            }
            status = _status(exc)
        else:
            messages.success(request, f"已提交对“{target.label}”的测评。")
            return redirect("ratings_survey", pk=pk)
    targets = list(survey_round.targets.all().order_by("order", "pk"))
    rows = []
    if may_rate:
        mine = [t for t in targets if t.leader_id != staff.pk]
        done = _answered_targets(survey_round, mine, staff)
        rows = [
            {"target": t, "done": t.pk in done, "error": errors.get(t.pk, ""), "posted": posted.get(t.pk)}
            for t in mine
        ]
    ranking = selectors.survey_ranking(survey_round) if results or manage else []
    context = {
        "round": survey_round,
        "survey": survey,
        "levels": [(lv.code, lv.label) for lv in rules.params.levels],
        "reason_levels": rules.params.reason_required_levels,
        "rows": rows,
        "may_rate": may_rate,
        "ranking": ranking,
        "results": results or manage,
        "manage": manage,
        "responses": survey_round.responses.count(),
    }
    return render(request, "ratings/survey.html", context, status=status)


# ---------------------------------------------------------------------------------------
# Export and push


@role_required(*access.EXPORT_ROLES)
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    period_context = _period_context(request)
    period, error = period_context["period"], period_context["period_error"]
    fmt = request.GET.get("format")
    if fmt in ("csv", "json") and not error:
        from ratings.api import ratings_export

        return ratings_export(request, period=period.key, format=fmt)  # type: ignore[arg-type]
    if request.method == "POST":
        try:
            batch = services.ratings_push(actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"已推送 {batch.count} 条评价（{batch.reference}）。"
                if batch.count
                else "没有需要推送的新评价。",
            )
        return redirect("ratings_export")
    from ratings import conf

    context = {
        **period_context,
        "count": Rating.objects.filter(rated_on__gte=period.start, rated_on__lte=period.end).count(),
        "unpushed": Rating.objects.filter(push_item__isnull=True).count(),
        "batches": PushBatch.objects.all()[:20],
        "backend": conf.push_backend_path(),
        "outbox": conf.outbox_dir(),
    }
    return render(request, "ratings/export.html", context)
