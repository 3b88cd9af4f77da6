import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from audit.models import AuditEvent
from org.access import branch_scope, has_role, user_roles
from org.demo import STAFF, WINDOWS, seed_demo
from org.models import ApiToken, Branch, Department, Role, Staff, Window
from org.services import api_token_issue, api_token_revoke

User = get_user_model()


@pytest.fixture
def demo(db):
    seed_demo()


def test_the_demo_centre_has_the_shape_the_issue_asks_for(demo):
    assert Branch.objects.count() == 3
    assert Window.objects.count() == len(WINDOWS) == 14
    assert Staff.objects.count() == len(STAFF) == 30
    assert Department.objects.count() >= 8
    assert Window.objects.filter(is_green_channel=True).count() == 3


def test_every_role_has_a_demo_login(demo):
    for role in Role:
        assert User.objects.filter(groups__name=role.label, staff__isnull=False).exists(), role


def test_seeding_twice_creates_nothing_new(demo):
    counts = (Staff.objects.count(), Window.objects.count(), AuditEvent.objects.count())
    assert seed_demo() is False
    assert (Staff.objects.count(), Window.objects.count(), AuditEvent.objects.count()) == counts


def test_staff_without_a_demo_login_cannot_sign_in(demo):
    assert not User.objects.get(username="staff1102").has_usable_password()


def test_branch_scoped_roles_see_their_branch_and_centre_roles_see_all(demo):
    teller = User.objects.get(username="teller3")
    assert branch_scope(teller) == {Branch.objects.get(code="WA01").pk}
    assert branch_scope(User.objects.get(username="office1")) is None
    assert branch_scope(User.objects.get(username="leader1")) is None


def test_a_branch_scoped_user_without_a_branch_sees_nothing(make_user):
    assert branch_scope(make_user("teller")) == frozenset()


def test_roles_come_from_groups(make_user):
    user = make_user("inspector")
    assert user_roles(user) == {Role.INSPECTOR}
    assert has_role(user, Role.INSPECTOR, Role.OFFICE)
    assert not has_role(user, Role.ADMIN)


def test_a_bearer_token_authenticates_its_user(client, make_user):
    user = make_user("teller")
    key = api_token_issue(actor="test", user=user, name="评价器")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    assert response.json()["roles"] == ["teller"]
    token = ApiToken.objects.get()
    assert token.key_hash != key and key not in str(token.__dict__)


@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer wsm_forged", "Basic abc", "Bearer other"])
def test_a_missing_or_forged_token_gets_401_with_a_message(client, db, header):
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/me", **kwargs)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_a_revoked_token_no_longer_works(client, make_user):
    user = make_user("teller")
    key = api_token_issue(actor="test", user=user, name="x")
    api_token_revoke(actor="test", token=ApiToken.objects.get())
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_the_token_of_a_deactivated_user_no_longer_works(client, make_user):
    user = make_user("teller")
    key = api_token_issue(actor="test", user=user, name="x")
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_issue_token_prints_a_working_token(client, demo, capsys):
    call_command("issue_token", user="teller1", name="1号窗口评价器")
    key = capsys.readouterr().out.strip()
    assert key.startswith("wsm_")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["staff_no"] == "1101"
    assert AuditEvent.objects.filter(action="org.api_token.issue").exists()


def test_issue_token_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有名为"):
        call_command("issue_token", user="nobody")


def test_the_session_of_a_signed_in_person_also_opens_the_api(client, make_user):
    client.force_login(make_user("guide"))
    assert client.get("/api/v1/me").json()["roles"] == ["guide"]


def test_health_needs_no_login(client, db):
    assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_health_is_503_when_the_database_does_not_answer(client, db, monkeypatch):
    from django.db import OperationalError

    class Down:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("config.api.connection", Down())
    response = client.get("/api/v1/health")
    assert response.status_code == 503 and response.json() == {"status": "database_unavailable"}


def test_the_openapi_document_is_served(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/health" in spec["paths"]
