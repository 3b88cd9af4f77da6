"""Staff sign-in pages (docs/security.md): the login form with its failed-login limits,
the second factor (enrol a TOTP authenticator, verify a code or a recovery code, new
recovery codes), and the administrator's list of locked accounts with "解除锁定".

The password check and the per-account lockout are django-axes (settings.AXES_*): after
LOGIN_FAILURE_LIMIT failures an account is refused for LOGIN_LOCKOUT_MINUTES, whatever the
password, and `lockout_response` shows why. An address with LOGIN_FAILURES_PER_ADDRESS
failures in that time is refused before any password is checked.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from audit.services import audit_record
from common import clock
from common.qr import qr_svg_inline
from common.request import safe_next
from org.access import role_required
from org.models import Role
from org.security import (
    SECOND_FACTOR_KEY,
    failures_from_address,
    has_second_factor,
    second_factor_required,
)

RECOVERY_CODES = 10


class StaffLoginView(auth_views.LoginView):
    """Django's login with the per-address limit and the reasons a person was sent here."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if failures_from_address(request) >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return self._refused(
                request,
                f"本机登录失败次数过多，请{settings.LOGIN_LOCKOUT_MINUTES}分钟后再试，或联系系统管理员。",
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.request.GET.get("reason") == "expired":
            context["notice"] = "登录已超过最长时限，为保护信息安全已自动退出，请重新登录。"
        if self.request.GET.get("reason") == "idle":
            context["notice"] = (
                f"您已{settings.STAFF_IDLE_MINUTES}分钟未操作，为保护信息安全已自动退出，请重新登录。"
            )
        return context

    def get_success_url(self) -> str:
        return safe_next(self.request, reverse(settings.LOGIN_REDIRECT_URL))

    def _refused(self, request: HttpRequest, message: str) -> HttpResponse:
        form = self.get_form_class()(request)
        return render(
            request,
            "registration/login.html",
            {"form": form, "refusal": message, "next": safe_next(request, "")},
            status=429,
        )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked account (AXES_LOCKOUT_CALLABLE): the login page
    saying why and until when, with 429."""
    message = (
        f"该账号连续{settings.LOGIN_FAILURE_LIMIT}次登录失败，已被锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟。"
        "请稍后再试，或请系统管理员解除锁定。"
    )
    form = AuthenticationForm(request)
    return render(
        request,
        "registration/login.html",
        {"form": form, "refusal": message, "next": safe_next(request, "")},
        status=429,
    )


# --- The second factor --------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(label="动态口令或恢复码", max_length=16, strip=True)

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isascii() or not code.isalnum():
            raise forms.ValidationError("请输入验证器上的6位数字，或一个恢复码。")
        return code


def _totp_device(user: Any, *, confirmed: bool) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def _new_recovery_codes(user: Any) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """Enter the authenticator's code (or a recovery code) after the password."""
    from django_otp import login as otp_login
    from django_otp import match_token

    user: Any = request.user
    if not has_second_factor(user):
        return HttpResponseRedirect(reverse("second_factor_setup"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            kind = "恢复码" if device.__class__.__name__ == "StaticDevice" else "动态口令"
            audit_record(actor=user, action="org.second_factor.verify", obj=user, summary=f"{kind}验证通过")
            return HttpResponseRedirect(safe_next(request))
        audit_record(actor=user, action="org.second_factor.failed", obj=user, summary="动态口令错误")
        form.add_error("code", "口令不正确或已过期，请输入验证器上当前显示的6位数字。")
    return render(
        request,
        "registration/second_factor_verify.html",
        {"form": form, "next": safe_next(request, "")},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with a code, keep the
    recovery codes. A person who is enrolled and verified may enrol a new phone."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user: Any = request.user
    if has_second_factor(user) and not user.is_verified():
        return HttpResponseRedirect(reverse("second_factor_verify"))
    device = _totp_device(user, confirmed=False) or TOTPDevice.objects.create(
        user=user, name="身份验证器", confirmed=False
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[SECOND_FACTOR_KEY] = "enrolled"
            codes = _new_recovery_codes(user)
            audit_record(actor=user, action="org.second_factor.enrol", obj=user, summary="绑定身份验证器")
            return render(
                request,
                "registration/second_factor_codes.html",
                {"codes": codes, "next": safe_next(request), "enrolled": True},
            )
        form.add_error("code", "口令不正确：请确认手机时间准确，输入验证器上当前显示的6位数字。")
    secret = _base32(device.bin_key)
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "qr": qr_svg_inline(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": second_factor_required(user),
            "next": safe_next(request, ""),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["POST"])
def second_factor_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), for a verified person."""
    user: Any = request.user
    if not user.is_verified():
        return HttpResponseRedirect(reverse("second_factor_verify"))
    codes = _new_recovery_codes(user)
    audit_record(actor=user, action="org.second_factor.codes", obj=user, summary="重新生成恢复码")
    return render(request, "registration/second_factor_codes.html", {"codes": codes, "next": "/"})


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


# --- Locked accounts ------------------------------------------------------------------------


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def lockouts(request: HttpRequest) -> HttpResponse:
    """The accounts locked after failed logins; the administrator lifts a lockout."""
    from axes.models import AccessAttempt
    from axes.utils import reset

    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        if reset(username=username):
            audit_record(
                actor=request.user,
                action="org.login.unlock",
                summary=f"解除账号“{username}”的登录锁定",
                changes={"username": username},
            )
        return HttpResponseRedirect(reverse("login_lockouts"))
    since = clock.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.LOGIN_FAILURE_LIMIT, attempt_time__gte=since
        )
        .order_by("-attempt_time")
        .values("username", "ip_address", "failures_since_start", "attempt_time")
    )
    return render(request, "registration/lockouts.html", {"rows": list(rows)})
