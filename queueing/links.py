"""Links a citizen follows from a slip or a text message."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from common.qr import public_url
from queueing.models import Ticket


def ticket_status_url(request: HttpRequest | None, ticket: Ticket) -> str:
    return public_url(request, reverse("ticket_page", args=[ticket.token]))
