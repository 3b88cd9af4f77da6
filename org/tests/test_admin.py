import pytest
from django.contrib.auth import get_user_model

from audit.models import AuditEvent
from org.demo import seed_demo
from org.models import Window

User = get_user_model()


@pytest.fixture
def admin_client(client, db):
    seed_demo()
    client.force_login(User.objects.get(username="admin"))
    return client


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/org/branch/", "/admin/org/window/", "/admin/org/staff/", "/admin/audit/auditevent/"],
)
def test_the_administrator_sees_the_organisation_in_chinese(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "系统管理" in html


def test_the_admin_index_lists_the_organisation_in_chinese(admin_client):
    html = admin_client.get("/admin/").content.decode()
    for word in ("组织机构", "管理部/网点", "窗口", "工作人员", "处室", "审计日志"):
        assert word in html, word


def test_a_teller_cannot_open_the_admin_site(client, make_user):
    client.force_login(make_user("teller"))
    response = client.get("/admin/org/branch/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_office_may_view_but_not_change_the_organisation(client, db):
    seed_demo()
    office = User.objects.get(username="office1")
    office.is_staff = True  # opened to the admin site by an administrator
    office.save()
    client.force_login(office)
    window = Window.objects.first()
    assert client.get(f"/admin/org/window/{window.pk}/change/").status_code == 200
    response = client.post(f"/admin/org/window/{window.pk}/change/", {"number": 99})
    assert response.status_code == 403


def test_changing_a_window_in_the_admin_writes_an_audit_event(admin_client):
    window = Window.objects.get(branch__code="HD01", number=1)
    response = admin_client.post(
        f"/admin/org/window/{window.pk}/change/",
        {
            "branch": window.branch_id,
            "number": 1,
            "name": "归集业务窗口",
            "categories": ["collection", "withdrawal"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    window.refresh_from_db()
    assert window.categories == ["collection", "withdrawal"]
    event = AuditEvent.objects.get(action="org.window.update")
    assert event.actor.username == "admin"
    assert "categories" in event.changes


def test_nothing_in_the_organisation_can_be_deleted_in_the_admin(admin_client):
    window = Window.objects.first()
    assert admin_client.get(f"/admin/org/window/{window.pk}/delete/").status_code == 403
