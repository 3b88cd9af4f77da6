"""Staff sign-in fit for 等保2.0 三级 (docs/security.md): failed logins throttled per account
and per address, a lockout the administrator lifts, an audit event for every login,
failure, lockout and logout, a password policy, the idle timeout, and the second factor
(TOTP with recovery codes) for the administrator."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from common.testing import FrozenClock, pinned_moment

PASSWORD = "pw-for-tests-only"


def _login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


@pytest.fixture
def teller(make_user):
    return make_user("teller", username="hu_xiaoming")


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="sun_jie")


def test_a_login_and_a_logout_are_audited(client, teller):
    assert _login(client, "hu_xiaoming").status_code == 302
    client.post(reverse("logout"))
    actions = list(AuditEvent.objects.filter(actor=teller).order_by("id").values_list("action", flat=True))
    assert actions == ["org.login", "org.logout"]
    login = AuditEvent.objects.get(action="org.login")
    assert login.actor_label == f"{teller.staff.name}（{teller.staff.staff_no}）"


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, teller, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        response = _login(client, "hu_xiaoming", "wrong-password")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    locked = _login(client, "hu_xiaoming", "wrong-password")
    assert locked.status_code == 429 and "已被锁定" in locked.content.decode()
    refused = _login(client, "hu_xiaoming")  # the right password, during the lockout
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    failures = AuditEvent.objects.filter(action="org.login.failed")
    assert failures.count() >= settings.LOGIN_FAILURE_LIMIT
    assert "hu_xiaoming" in failures.first().summary
    assert AuditEvent.objects.filter(action="org.login.locked").exists()


def test_the_lockout_ends_by_itself_after_the_cool_off(client, teller, settings):
    clock = FrozenClock(pinned_moment())
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "hu_xiaoming", "wrong-password")
    assert _login(client, "hu_xiaoming").status_code == 429
    clock.advance(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    assert _login(client, "hu_xiaoming").status_code == 302


def test_the_administrator_lifts_a_lockout_and_it_is_audited(client, teller, admin, make_user, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "hu_xiaoming", "wrong-password")
    page = reverse("login_lockouts")
    assert reverse("login") in client.get(page)["Location"]  # anonymous
    client.force_login(make_user("office"))
    assert client.get(page).status_code == 403  # wrong role
    client.force_login(admin)
    listed = client.get(page).content.decode()
    assert "hu_xiaoming" in listed and "解除锁定" in listed
    assert client.post(page, {"username": "hu_xiaoming"}).status_code == 302
    assert AuditEvent.objects.filter(action="org.login.unlock", actor=admin).exists()
    client.logout()
    assert _login(client, "hu_xiaoming").status_code == 302


def test_one_address_trying_many_accounts_is_refused_before_any_password_check(client, teller, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for n in range(6):
        _login(client, f"nobody{n}", "guess")
    refused = _login(client, "hu_xiaoming")
    assert refused.status_code == 429 and "登录失败次数过多" in refused.content.decode()
    # A name that is no account is never written to the log (it may be a password).
    assert not AuditEvent.objects.filter(summary__contains="nobody").exists()


def test_an_idle_staff_session_ends_and_the_login_page_says_why(client, teller, settings):
    settings.STAFF_IDLE_MINUTES = 30
    clock = FrozenClock(pinned_moment())
    _login(client, "hu_xiaoming")
    assert client.get(reverse("home")).status_code == 200
    clock.advance(minutes=20)
    assert client.get(reverse("home"), HTTP_X_POLL="1").status_code == 200  # a poll is no activity
    clock.advance(minutes=15)  # 35 minutes after the last click
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "reason=idle" in response["Location"]
    assert "自动退出" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="org.session.idle_timeout", actor=teller).exists()


def test_activity_keeps_a_staff_session_alive(client, teller, settings):
    settings.STAFF_IDLE_MINUTES = 30
    clock = FrozenClock(pinned_moment())
    _login(client, "hu_xiaoming")
    for _ in range(4):
        clock.advance(minutes=25)
        assert client.get(reverse("home")).status_code == 200


def test_next_never_leads_off_site(client, teller):
    response = _login(client, "hu_xiaoming", next="https://evil.example.com/")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    client.logout()
    response = _login(client, "hu_xiaoming", next="/org/")
    assert response["Location"] == "/org/"


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("Gjj-2026!window", True),
        ("gjj2026window", False),  # two kinds only
        ("Ab1!", False),  # too short
        ("Password1!", False),  # a common password
        ("hu_xiaoming-2026X", False),  # the user's own name
        ("12345678901", False),  # digits only
    ],
)
def test_the_password_policy(teller, password, accepted):
    if accepted:
        validate_password(password, teller)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, teller)


# --- The second factor --------------------------------------------------------------------


def _code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_the_administrator_enrols_an_authenticator_then_needs_a_code_at_every_login(client, admin, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.OTP_REQUIRED_ROLES = ["admin"]
    clock = FrozenClock(pinned_moment())
    _login(client, "sun_jie")
    home = client.get(reverse("home"))
    assert home.status_code == 302 and reverse("second_factor_setup") in home["Location"]
    assert client.get("/api/v1/me").status_code == 403  # nothing else, the API included
    setup = client.get(reverse("second_factor_setup")).content.decode()
    assert "<svg" in setup and "绑定身份验证器" in setup
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post(reverse("second_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 422 and "口令不正确" in wrong.content.decode()
    clock.advance(seconds=31)  # a wrong code slows the next try down (django-otp throttling)
    codes_page = client.post(reverse("second_factor_setup"), {"code": _code(device)})
    codes = codes_page.context["codes"]
    assert len(codes) == 10 and "只显示这一次" in codes_page.content.decode()
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="org.second_factor.enrol", actor=admin).exists()

    client.post(reverse("logout"))
    _login(client, "sun_jie")
    assert reverse("second_factor_verify") in client.get(reverse("home"))["Location"]
    assert client.post(reverse("second_factor_verify"), {"code": "123456"}).status_code == 422
    clock.advance(seconds=31)
    device.refresh_from_db()
    assert client.post(reverse("second_factor_verify"), {"code": _code(device)}).status_code == 302
    assert client.get(reverse("home")).status_code == 200

    # A recovery code works once.
    client.post(reverse("logout"))
    _login(client, "sun_jie")
    assert client.post(reverse("second_factor_verify"), {"code": codes[0]}).status_code == 302
    client.post(reverse("logout"))
    _login(client, "sun_jie")
    assert client.post(reverse("second_factor_verify"), {"code": codes[0]}).status_code == 422


def test_a_role_without_the_requirement_signs_in_with_the_password_only(client, teller, settings):
    settings.OTP_REQUIRED_ROLES = ["admin"]
    _login(client, "hu_xiaoming")
    assert client.get(reverse("home")).status_code == 200


def test_a_staff_session_lasts_a_working_day_at_most(client, teller, settings):
    settings.SESSION_COOKIE_AGE = 12 * 3600
    settings.STAFF_IDLE_MINUTES = 24 * 60
    clock = FrozenClock(pinned_moment())
    _login(client, "hu_xiaoming")
    clock.advance(hours=11)
    assert client.get(reverse("home")).status_code == 200
    clock.advance(hours=2)
    assert reverse("login") in client.get(reverse("home"))["Location"]
