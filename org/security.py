"""Staff sign-in security for a 等保2.0 三级 assessment (docs/security.md).

* Every login, failed login, lockout and logout is an audit event (signals below).
* `StaffSessionMiddleware`: a staff session ends after STAFF_IDLE_MINUTES without a
  person's request (an htmx poll marked `X-Poll: 1` does not count as one), and a person
  whose role requires the second factor — or who enrolled one — reaches nothing but the
  second-factor pages until the session is verified. Hall devices are not people: they
  act under device tokens or device sessions without a user and are never signed out.
* `PasswordComplexityValidator`: three of the four kinds of character.
Failed-login counting and the lockout itself are django-axes (settings.AXES_*); the
per-address limit and the lockout page are in org/login.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode

from audit.services import audit_record
from common import clock, ratelimit
from common.request import client_ip
from org.access import user_roles

IDLE_KEY = "staff_last_seen"
SECOND_FACTOR_KEY = "staff_second_factor"
SIGNED_IN_KEY = "staff_signed_in_at"
POLL_HEADER = "X-Poll"

# Paths a signed-in person may reach before the second factor is verified.
_SECOND_FACTOR_OPEN = ("/login/", "/logout/", "/static/", "/account/second-factor/")


def second_factor_required(user: Any) -> bool:
    """The person's role requires the second factor (settings.OTP_REQUIRED_ROLES)."""
    required = set(settings.OTP_REQUIRED_ROLES)
    return bool(required) and any(role.value in required for role in user_roles(user))


def has_second_factor(user: Any) -> bool:
    from django_otp import user_has_device

    return bool(user_has_device(user, confirmed=True))


def remember_second_factor(request: HttpRequest, user: Any) -> str:
    """Whether this session must pass the second factor: "enrolled" (the person has an
    authenticator), "required" (their role requires one, not enrolled yet) or "none"."""
    state = "enrolled" if has_second_factor(user) else "required" if second_factor_required(user) else "none"
    request.session[SECOND_FACTOR_KEY] = state
    return state


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "_auth_user_id" in request.session:
            refused = self._idle(request) or self._second_factor(request, user)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def _idle(request: HttpRequest) -> HttpResponse | None:
        now = clock.timestamp()
        last = request.session.get(IDLE_KEY)
        signed_in = request.session.get(SIGNED_IN_KEY)
        if signed_in is not None and now - float(signed_in) > settings.SESSION_COOKIE_AGE:
            # A session lasts a working day at most, however active (the cookie's age
            # slides with every save).
            audit_record(
                actor=request.user, action="org.session.expired", summary="登录已超过最长时限，自动退出"
            )
            logout(request)
            return _to_login(request, "expired")
        if last is not None and now - float(last) > settings.STAFF_IDLE_MINUTES * 60:
            audit_record(
                actor=request.user,
                action="org.session.idle_timeout",
                summary=f"{settings.STAFF_IDLE_MINUTES}分钟未操作，自动退出",
            )
            logout(request)
            return _to_login(request, "idle")
        # Written at most once a minute: a page's requests do not each save the session.
        if last is None or (request.headers.get(POLL_HEADER) != "1" and now - float(last) >= 60):
            request.session[IDLE_KEY] = now
        return None

    @staticmethod
    def _second_factor(request: HttpRequest, user: Any) -> HttpResponse | None:
        if request.path.startswith(_SECOND_FACTOR_OPEN):
            return None
        if user.is_verified():
            return None
        state = request.session.get(SECOND_FACTOR_KEY)
        if state is None:  # decided once per session (two queries), at login
            state = remember_second_factor(request, user)
        if state == "none":
            return None
        enrolled = state == "enrolled"
        target = reverse("second_factor_verify" if enrolled else "second_factor_setup")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"error": "second_factor_required", "message": "请先在浏览器中完成动态口令验证。"}, status=403
            )
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def _to_login(request: HttpRequest, reason: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "session_expired", "message": "长时间未操作，请重新登录。"}, status=401)
    url = f"{reverse('login')}?{urlencode({'next': request.get_full_path(), 'reason': reason})}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class PasswordComplexityValidator:
    """At least three of: lower-case letters, upper-case letters, digits, other characters."""

    def validate(self, password: str, user: Any = None) -> None:
        kinds = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(kinds) < 3:
            raise ValidationError(
                "密码应至少包含小写字母、大写字母、数字和符号中的三种。", code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return "密码应至少包含小写字母、大写字母、数字和符号中的三种。"


# --- Audit of sign-ins ------------------------------------------------------------------


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[IDLE_KEY] = request.session[SIGNED_IN_KEY] = clock.timestamp()
        remember_second_factor(request, user)
    audit_record(actor=user, action="org.login", obj=user, summary="登录")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="org.logout", obj=user, summary="退出登录")


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    typed = str(credentials.get("username") or "")[:150]
    # A name that is no account may be a password typed into the wrong field: never logged.
    known = bool(typed) and get_user_model().objects.filter(username=typed).exists()
    username = typed if known else ""
    if request is not None:
        ratelimit.add(failures_key(request), window_seconds=settings.LOGIN_LOCKOUT_MINUTES * 60)
    audit_record(
        actor="匿名",
        action="org.login.failed",
        summary=f"登录失败：账号“{username}”密码错误" if known else "登录失败：账号不存在",
        changes={"username": username},
    )


def failures_key(request: HttpRequest) -> str:
    return f"login-failures:{client_ip(request) or 'unknown'}"


def failures_from_address(request: HttpRequest) -> int:
    """Failed logins from this address in the current window (any accounts)."""
    return ratelimit.count(failures_key(request), window_seconds=settings.LOGIN_LOCKOUT_MINUTES * 60)


def _axes_locked_out(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    audit_record(
        actor="django-axes",
        action="org.login.locked",
        summary=f"账号“{username}”连续{settings.LOGIN_FAILURE_LIMIT}次登录失败，已锁定"
        f"{settings.LOGIN_LOCKOUT_MINUTES}分钟",
        changes={"username": username, "ip": ip_address},
    )


def connect_axes_signals() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_axes_locked_out, dispatch_uid="org.security.locked_out")
