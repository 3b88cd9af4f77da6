"""API authentication: a bearer token (`Authorization: Bearer wsm_…`) or, for
pages that call the API from the browser, the signed-in session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from org.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


bearer_or_session = [BearerToken(), SessionAuth()]
