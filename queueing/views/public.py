"""Public pages: online booking (网上预约, 000 §四(二)3(1)) — phone-first, with an SMS
code — and a citizen's ticket page (/t/<token>, from the slip's QR code). Both are
rate-limited.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common import clock
from common.errors import DomainError
from common.qr import public_url
from common.request import client_ip
from org.models import Branch
from queueing import ratelimit, selectors, services, stream
from queueing.constants import BOOKING_LOOKUPS_PER_MINUTE, LIVE_REFRESH_SECONDS, PUBLIC_LOOKUPS_PER_MINUTE
from queueing.forms import BookingForm, ManageForm, VerifyForm
from queueing.models import Appointment, AppointmentStatus, BookingChallenge, Queue
from queueing.params import queue_rules
from queueing.views._common import error_status, friendly_errors

BOOKED_SESSION_KEY = "queueing_booked_codes"
CHALLENGE_SESSION_KEY = "queueing_booking_challenge"


# ---------------------------------------------------------------------------------------
# Online booking (网上预约) — public, phone-first


def _booking_choices(request: HttpRequest, data: Any) -> dict[str, Any]:
    today = clock.today()
    params = queue_rules(today).params
    branches = list(Branch.objects.filter(is_active=True).order_by("code"))
    code = (data or {}).get("branch") or request.GET.get("branch") or ""
    branch = next((b for b in branches if b.code == code), None)
    queues = (
        list(Queue.objects.filter(branch=branch, is_active=True, bookable=True).order_by("order", "letter"))
        if branch
        else []
    )
    category = (data or {}).get("category") or request.GET.get("category") or ""
    queue = next((q for q in queues if q.category == category), None)
    dates = selectors.bookable_dates(today=today, params=params) if queue else []
    chosen_date = (data or {}).get("date") or request.GET.get("date") or ""
    slots: list[dict[str, Any]] = []
    day = next((d for d in dates if d.isoformat() == chosen_date), None)
    if queue is not None and day is not None:
        slots = selectors.slot_availability(queue, day, params=params, now=clock.now())
    weekdays = "一二三四五六日"
    return {
        "branches": branches,
        "branch": branch,
        "queues": queues,
        "queue": queue,
        "dates": dates,
        "day": day,
        "slots": slots,
        "date_choices": [
            (d.isoformat(), f"{d:%m月%d日} 星期{weekdays[d.weekday()]}" + ("（今天）" if d == today else ""))
            for d in dates
        ],
        "params": params,
    }


def _booking_form(request: HttpRequest, data: Any, choices: dict[str, Any]) -> BookingForm:
    return BookingForm(
        data,
        branches=[(b.code, b.name) for b in choices["branches"]],
        categories=[(q.category, q.name) for q in choices["queues"]],
        dates=choices["date_choices"],
    )


@friendly_errors
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """Step 1: branch, business, date, slot, name, identity number, mobile → SMS code."""
    data = request.POST if request.method == "POST" else None
    choices = _booking_choices(request, data)
    initial = {k: request.GET.get(k, "") for k in ("branch", "category", "date")}
    form = _booking_form(request, data, choices) if data else _booking_form(request, None, choices)
    if not data:
        form.initial = initial
    error, status = "", 200
    if data is not None and form.is_valid():
        try:
            ratelimit.hit(request, "booking-code", per_minute=BOOKING_LOOKUPS_PER_MINUTE)
            challenge = services.appointment_code_request(
                branch=selectors.branch_by_code(form.cleaned_data["branch"]),
                category=form.cleaned_data["category"],
                service_date=date.fromisoformat(form.cleaned_data["date"]),
                slot_start=form.cleaned_data["slot"],
                name=form.cleaned_data["name"],
                id_number=form.cleaned_data["id_number"],
                mobile=form.cleaned_data["mobile"],
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            error, status = exc.message, error_status(exc)
        else:
            request.session[CHALLENGE_SESSION_KEY] = challenge.pk
            return redirect("book_verify")
    elif data is not None:
        status = 422
    return render(request, "queueing/book.html", {"form": form, "error": error, **choices}, status=status)


@friendly_errors
def book_slots(request: HttpRequest) -> HttpResponse:
    """The date and slot choices for a branch and business (htmx on the booking page)."""
    ratelimit.hit(request, "booking-slots", per_minute=120)
    choices = _booking_choices(request, None)
    form = _booking_form(request, None, choices)
    form.initial = {k: request.GET.get(k, "") for k in ("branch", "category", "date")}
    return render(request, "queueing/_book_choices.html", {"form": form, **choices})


@friendly_errors
@require_http_methods(["GET", "POST"])
def book_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the text message."""
    from common.identity import mask_phone

    pk = request.session.get(CHALLENGE_SESSION_KEY)
    challenge = BookingChallenge.objects.filter(pk=pk, used_at__isnull=True).first() if pk else None
    if challenge is None:
        messages.error(request, "请先填写预约信息并获取验证码。")
        return redirect("book")
    form = VerifyForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ratelimit.hit(request, "booking-verify", per_minute=BOOKING_LOOKUPS_PER_MINUTE)
                appointment = services.appointment_book(
                    challenge_id=challenge.pk, code=form.cleaned_data["code"]
                )
            except DomainError as exc:
                error, status = exc.message, error_status(exc)
            else:
                request.session.pop(CHALLENGE_SESSION_KEY, None)
                request.session[BOOKED_SESSION_KEY] = [
                    *request.session.get(BOOKED_SESSION_KEY, [])[-9:],
                    appointment.code,
                ]
                return redirect("book_done", code=appointment.code)
        else:
            status = 422
    draft = challenge.draft
    branch = Branch.objects.filter(code=draft["branch"]).first()
    return render(
        request,
        "queueing/book_verify.html",
        {
            "form": form,
            "error": error,
            "mobile": mask_phone(challenge.mobile),
            "draft": draft,
            "branch": branch,
            "category_label": Queue.objects.filter(branch=branch, category=draft["category"])
            .values_list("name", flat=True)
            .first(),
            "day": date.fromisoformat(draft["date"]),
        },
        status=status,
    )


def _appointment_view(appointment: Appointment) -> dict[str, Any]:
    params = queue_rules(appointment.service_date).params
    start = timezone.make_aware(datetime.combine(appointment.service_date, appointment.slot_start))
    return {
        "appointment": appointment,
        "checkin_from": clock.local(start - timedelta(minutes=params.checkin_before_minutes)),
        "checkin_until": clock.local(start + timedelta(minutes=params.checkin_after_minutes)),
    }


@friendly_errors
def book_done(request: HttpRequest, code: str) -> HttpResponse:
    if code not in request.session.get(BOOKED_SESSION_KEY, []):
        return redirect("book_manage")
    appointment = selectors.appointment_by_code(code)
    if appointment is None:
        raise Http404("没有这个预约。")
    return render(request, "queueing/book_done.html", _appointment_view(appointment))


@friendly_errors
@require_http_methods(["GET", "POST"])
def book_manage(request: HttpRequest) -> HttpResponse:
    """Look up one's booking by code and identity number; cancel it."""
    form = ManageForm(request.POST or None)
    found, error, status = None, "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ratelimit.hit(request, "booking-lookup", per_minute=BOOKING_LOOKUPS_PER_MINUTE)
            except DomainError as exc:
                error, status = exc.message, 429
            else:
                appointment = selectors.appointment_by_code(form.cleaned_data["code"])
                if appointment is None or appointment.id_number != form.cleaned_data["id_number"]:
                    error, status = "没有找到该预约：请核对预约码和身份证号码。", 404
                else:
                    found = appointment
                    if request.POST.get("action") == "cancel":
                        try:
                            found = services.appointment_cancel(
                                actor="public:booking", appointment=appointment
                            )
                            messages.success(request, f"预约 {found.code} 已取消。")
                        except DomainError as exc:
                            error, status = exc.message, error_status(exc)
        else:
            status = 422
    context: dict[str, Any] = {"form": form, "error": error}
    if found is not None:
        context.update(_appointment_view(found))
        context["cancellable"] = found.status == AppointmentStatus.BOOKED
    return render(request, "queueing/book_manage.html", context, status=status)


# ---------------------------------------------------------------------------------------
# A citizen's ticket (/t/<token>, from the slip's QR code)


def _ticket_page_context(request: HttpRequest, token: str) -> dict[str, Any]:
    ratelimit.hit(request, "ticket", per_minute=PUBLIC_LOOKUPS_PER_MINUTE)
    try:
        ticket = selectors.ticket_by_token(token)
    except DomainError as exc:
        raise Http404(exc.message) from None
    return {
        "ticket": ticket,
        "status": selectors.ticket_status(ticket),
        "refresh_seconds": LIVE_REFRESH_SECONDS,
        "self_url": public_url(request, reverse("ticket_page", args=[token])),
    }


def ticket_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        context = _ticket_page_context(request, token)
    except ratelimit.RateLimited as exc:
        return render(request, "queueing/ticket_page.html", {"error": exc.message}, status=429)
    return render(request, "queueing/ticket_page.html", context)


# htmx stops polling when a response has this status (the ticket is done or cancelled).
HTMX_STOP_POLLING = 286


def ticket_page_events(request: HttpRequest, token: str) -> HttpResponseBase:
    """The ticket page's event stream (queueing/stream.py): `update` when this ticket or
    its line moves, so that the phone refreshes at once instead of polling."""
    try:
        ratelimit.hit(request, "ticket", per_minute=PUBLIC_LOOKUPS_PER_MINUTE)
        ticket = selectors.ticket_by_token(token)
    except ratelimit.RateLimited as exc:
        return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
    except DomainError as exc:
        raise Http404(exc.message) from None
    return stream.ticket_stream(request, ticket)


def ticket_page_status(request: HttpRequest, token: str) -> HttpResponse:
    try:
        context = _ticket_page_context(request, token)
    except ratelimit.RateLimited as exc:
        return HttpResponse(f'<p class="error">{exc.message}</p>', status=429)
    status = HTMX_STOP_POLLING if context["status"]["final"] else 200
    return render(request, "queueing/_ticket_status.html", context, status=status)
