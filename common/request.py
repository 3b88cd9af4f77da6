"""The current request's client address, for the audit log and the rate limits, so
services can record it without every call passing the request along."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme


@dataclass(frozen=True)
class RequestContext:
    client_ip: str | None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "audit_request", default=None
)


def current_request_context() -> RequestContext | None:
    return _current.get()


@contextmanager
def without_client_address() -> Iterator[None]:
    """Record what happens inside without the client's address (an anonymous survey
    answer must not point to the rater's desk)."""
    token = _current.set(RequestContext(client_ip=None))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    # Behind nginx the real address is in X-Forwarded-For; trust it only when the
    # deployment says a proxy is in front (docs/deploy.md), else it can be forged.
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(RequestContext(client_ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The `next` parameter (POST or GET), only when it points to this site — never off-site
    (an open redirect would lend the centre's address to a phishing link)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
