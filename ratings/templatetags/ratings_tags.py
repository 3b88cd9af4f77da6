"""Template tags of the ratings app.

{% load ratings_tags %}
{% rating_qr ticket %}     the slip's “评价” QR code (rate this visit later on a phone)
{% rating_url_for ticket %} its absolute URL
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString

register = template.Library()


def visit_rating_url(request: Any, ticket: Any) -> str:
    from common.qr import public_url

    return public_url(request, reverse("rate_visit", args=[ticket.token]))


@register.simple_tag(takes_context=True)
def rating_url_for(context: dict[str, Any], ticket: Any) -> str:
    return visit_rating_url(context.get("request"), ticket)


@register.simple_tag(takes_context=True)
def rating_qr(context: dict[str, Any], ticket: Any) -> SafeString:
    """An inline SVG QR code to /rate/v/<ticket token>/: printed on the slip before the
    service, it opens the rating page once the visit is completed (000 §五(五)4(1) 扫描二维码评价)."""
    from common.qr import qr_svg_inline as qr_svg

    return qr_svg(visit_rating_url(context.get("request"), ticket))


@register.simple_tag
def rating_qr_days() -> int:
    """How many days after completion the slip's QR code can rate (RATINGS_QR_DAYS)."""
    from ratings import conf

    return conf.qr_days()


def _case(case_or_receipt_no: Any) -> Any:
    from cases.models import Case

    if isinstance(case_or_receipt_no, str):
        return Case.objects.filter(receipt_no=case_or_receipt_no).first()
    return case_or_receipt_no


@register.inclusion_tag("ratings/_case_rating.html", takes_context=True)
def case_rating(context: dict[str, Any], case_or_receipt_no: Any) -> dict[str, Any]:
    """The “评价本次办件” panel of the case query page (一事一评): nothing before the case is
    decided; the rating once given; otherwise a button to the online rating page. Takes
    the Case or its receipt number:

        {% load ratings_tags %}{% case_rating c.receipt_no %}
    """
    from cases.models import DECIDED

    case = _case(case_or_receipt_no)
    if case is None:
        return {"decided": False}
    from ratings.models import Rating

    decided = case.status in DECIDED and case.decided_at is not None
    rating = Rating.objects.filter(case=case).first() if decided else None
    from ratings import conf

    return {
        "case": case,
        "decided": decided,
        "rating": rating,
        "days": conf.qr_days(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def case_rating_qr(context: dict[str, Any], case_or_receipt_no: Any) -> SafeString:
    """A QR code for a printed notice of a completed case (办结通知单): it opens the case's
    online rating page. Empty when the case has no rating token (not completed yet)."""
    from common.qr import public_url
    from common.qr import qr_svg_inline as qr_svg
    from ratings.models import RatingChannel, RatingToken

    case = _case(case_or_receipt_no)
    row = RatingToken.objects.filter(case=case, channel=RatingChannel.ONLINE).first() if case else None
    if row is None:
        return SafeString("")
    return qr_svg(public_url(context.get("request"), reverse("rate", args=[row.token])))
