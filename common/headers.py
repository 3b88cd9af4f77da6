"""Headers every response carries (docs/security.md): a Content-Security-Policy (every
asset is served by this site; nothing is loaded from elsewhere) and, for every page that
is not a static asset, `Cache-Control: no-store` so that no browser or proxy keeps a copy
of a page with personal data (a case, a complaint, a staff list) unless the view says
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        if "Cache-Control" not in response and not request.path_info.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response
