"""Template filters of the first-inquiry pages."""

from __future__ import annotations

from django import template

from inquiries.models import Inquiry
from inquiries.selectors import deadline_flags

register = template.Library()


@register.filter
def inquiry_flags(inquiry: Inquiry) -> list[tuple[str, str]]:
    """(css class, text) of the limits of an open hand-over: 逾期未联系, 今日到期 …"""
    return deadline_flags(inquiry)
