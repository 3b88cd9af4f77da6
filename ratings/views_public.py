"""Public pages (no login): rating a service on a phone (/rate/<token>/, from the slip's
QR code or the case query page), and the 好差评 disclosure (/disclosure/): ratings per
branch and month and the rectifications done (national practice: results and
rectifications are made public)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from common import clock
from common.errors import DomainError
from common.periods import InvalidPeriod, month_period, parse_period
from common.request import client_ip
from ratings import access, selectors, services
from ratings.errors import ALREADY_RATED_MESSAGE
from ratings.evaluator import rating_levels
from ratings.forms import AppealForm, RateForm
from ratings.models import AnnotationStatus, RaterType, Rating, RatingAnnotation, RatingChannel, RatingToken
from ratings.scoring import LEVELS
from rules.selectors import NoRulesInForce


def _rate_limit(request: HttpRequest) -> str | None:
    try:
        access.public_rate_limit(request, "rate-page")
    except access.RateLimited as exc:
        return exc.message
    return None


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "ratings/public/rate_error.html", {"message": message}, status=status)


def _service_context(row: RatingToken) -> dict[str, Any]:
    if row.ticket_id:
        ticket = row.ticket
        assert ticket is not None
        return {
            "service_label": f"{ticket.display_number} 号 · {ticket.get_category_display()}业务",
            "staff": ticket.staff,
            "window": ticket.window,
            "completed_at": ticket.finished_at,
        }
    case = row.case
    assert case is not None
    return {
        "service_label": f"办件 {case.receipt_no} · {case.version.name}",
        "staff": case.first_responsible,
        "window": case.window,
        "completed_at": case.decided_at,
    }


def _existing_rating(row: RatingToken) -> Rating | None:
    if row.ticket_id is not None:
        return Rating.objects.filter(ticket_id=row.ticket_id).first()
    if row.case_id is not None:
        return Rating.objects.filter(case_id=row.case_id).first()
    return None


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """Rate one service on a phone; after rating, the page shows what was given and, if
    the rating was taken out of the score, lets the citizen appeal."""
    limited = _rate_limit(request)
    if limited:
        return _error(request, limited, 429)
    try:
        row = selectors.rating_token_lookup(token, allow_expired=True)
    except DomainError as exc:
        return _error(request, exc.message, exc.status)
    rating = _existing_rating(row)
    form = RateForm(request.POST or None)
    appeal_form = AppealForm(request.POST if request.POST.get("action") == "appeal" else None)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "appeal" and rating is not None:
        annotation = rating.annotations.filter(status=AnnotationStatus.APPROVED).first()
        if annotation is not None and appeal_form.is_valid():
            try:
                services.rating_appeal_submit(
                    actor="citizen:评价页面",
                    annotation=annotation,
                    statement=appeal_form.cleaned_data["statement"],
                    contact_phone=appeal_form.cleaned_data["contact_phone"],
                    via="评价页面",
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "申诉已提交，业务管理处会核实处理，处理结果可在本页查看。")
            return redirect("rate", token=token)
        status = 422
    elif request.method == "POST" and rating is None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.rating_submit(
                    actor=request.user,
                    token=token,
                    level=data["level"],
                    reasons=data["reasons"],
                    comment=data["comment"],
                    contact_phone=data["contact_phone"],
                    # A case knows its applicant (person or employer); a visit asks.
                    rater_type=(data["rater_type"] or RaterType.PERSON) if row.ticket_id else None,
                    client_ip=client_ip(request),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status if 400 <= exc.status < 500 else 422
            else:
                return redirect("rate", token=token)
        else:
            status = 422
    elif request.method == "POST":
        form.add_error(None, ALREADY_RATED_MESSAGE)
        status = 409
    annotation = None
    appeal = None
    if rating is not None:
        annotation = (
            RatingAnnotation.objects.filter(
                rating=rating, status__in=[AnnotationStatus.APPROVED, AnnotationStatus.REVOKED]
            )
            .order_by("-proposed_at")
            .first()
        )
        appeal = getattr(annotation, "appeal", None) if annotation else None
    from ratings.api import rating_message

    context = {
        "token": token,
        "row": row,
        "rating": rating,
        "thanks": rating_message(rating) if rating is not None else "",
        "annotation": annotation,
        "appeal": appeal,
        "expired": row.expires_at <= clock.now(),
        "form": form,
        "appeal_form": appeal_form,
        "levels": rating_levels(),
        "is_case": row.case_id is not None,
        **_service_context(row),
    }
    return render(request, "ratings/public/rate.html", context, status=status)


def rate_visit(request: HttpRequest, ticket_token: str) -> HttpResponse:
    """The slip's rating QR code: the visit's QR rating token once it is completed."""
    from queueing.models import TicketStatus
    from queueing.selectors import ticket_by_token

    limited = _rate_limit(request)
    if limited:
        return _error(request, limited, 429)
    try:
        ticket = ticket_by_token(ticket_token)
    except DomainError as exc:
        return _error(request, exc.message, 404)
    row = RatingToken.objects.filter(ticket=ticket, channel=RatingChannel.QR).first()
    if row is not None:
        return redirect("rate", token=row.token)
    if ticket.status != TicketStatus.DONE:
        return render(
            request,
            "ratings/public/rate_error.html",
            {
                "message": (
                    f"{ticket.display_number} 号的服务尚未办结。"
                    "办结后请再次扫描小票上的“评价”二维码，对本次服务进行评价。"
                ),
                "title": "尚未办结",
                "status_url": reverse("ticket_page", args=[ticket.token]),
            },
        )
    return _error(request, "这次服务不在评价范围内。如对服务有意见，请拨打 12329。", 404)


@require_POST
def rate_case(request: HttpRequest, receipt_no: str) -> HttpResponse:
    """“评价本次办件” on the case query page (一事一评): for somebody who looked the case up
    with its receipt number and query password in this browser, the online rating page of
    the completed case. A case completed before the cases app minted tokens gets its token
    here, valid `RATINGS_QR_DAYS` days from the decision (so never longer than others)."""

    from cases.models import DECIDED, Case
    from cases.views_public import SESSION_ACCESS

    receipt_no = receipt_no[:30]
    until = request.session.get(SESSION_ACCESS, {}).get(receipt_no)
    if until is None or until < clock.timestamp():
        return redirect(f"{reverse('case_query')}?no={receipt_no}")
    case = Case.objects.filter(receipt_no=receipt_no).first()
    if case is None:
        return _error(request, "没有这件办件。", 404)
    if case.status not in DECIDED or case.decided_at is None:
        return _error(request, "办件办结后才能评价。", 409)
    row = RatingToken.objects.filter(case=case, channel=RatingChannel.ONLINE).first()
    if row is None:
        row = services.rating_token_mint_for_case(case=case, at=case.decided_at)
    return redirect("rate", token=row.token)


def _trend(first: date, last: date) -> list[Any]:
    """The months of the trend that have rules (earlier months show no data)."""
    cursor = first
    while cursor <= last:
        try:
            return selectors.disclosure_rows(start=cursor, end=last)
        except NoRulesInForce:
            cursor = (cursor + timedelta(days=32)).replace(day=1)
    return []


def disclosure(request: HttpRequest) -> HttpResponse:
    """好差评公示: counted ratings per branch for a month (counts per level, share of bad
    ratings), the last twelve months, and the rectifications done."""
    today = clock.today()
    text = request.GET.get("month") or f"{today:%Y-%m}"
    try:
        period = parse_period(text)
        if len(period.key) != 7:
            raise InvalidPeriod("请选择月份。")
    except InvalidPeriod as exc:
        raise Http404(str(exc)) from None
    if period.start > today:
        raise Http404("该月份尚未开始。")
    months = []
    cursor = date(today.year, today.month, 1)
    for _ in range(12):
        months.append(cursor)
        cursor = date(cursor.year - 1, 12, 1) if cursor.month == 1 else date(cursor.year, cursor.month - 1, 1)
    first = months[-1]
    try:
        rows = selectors.disclosure_rows(start=period.start, end=period.end)
    except NoRulesInForce:
        # Before the first window-score rule set there were no ratings in this system.
        return render(
            request,
            "ratings/public/disclosure.html",
            {"period": period, "months": months, "no_data": True},
        )
    totals: dict[str, Any] = {
        "cells": [(level, sum(r.counts[level] for r in rows)) for level in LEVELS],
        "total": sum(r.total for r in rows),
        "bad": sum(r.bad for r in rows),
        "followed_up": sum(r.followed_up for r in rows),
        "rectified": sum(r.rectified for r in rows),
    }
    totals["bad_share"] = round(totals["bad"] * 100 / totals["total"], 1) if totals["total"] else None
    trend = _trend(first, month_period(today.year, today.month).end)
    by_month: dict[date, dict[str, int]] = {}
    for r in trend:
        entry = by_month.setdefault(r.month, {"total": 0, "bad": 0})
        entry["total"] += r.total
        entry["bad"] += r.bad
    history = [
        {
            "month": m,
            "total": by_month.get(m, {}).get("total", 0),
            "bad": by_month.get(m, {}).get("bad", 0),
            "bad_share": (
                round(by_month[m]["bad"] * 100 / by_month[m]["total"], 1)
                if by_month.get(m, {}).get("total")
                else None
            ),
        }
        for m in months
    ]
    context = {
        "period": period,
        "rows": rows,
        "totals": totals,
        "history": history,
        "months": months,
        "rectifications": selectors.public_rectifications(start=period.start, end=period.end),
        "callback_rectifications": selectors.public_rectifications(
            start=period.start, end=period.end, callbacks=True
        ),
        "levels": rating_levels(period.end),
    }
    return render(request, "ratings/public/disclosure.html", context)
