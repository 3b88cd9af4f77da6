import pytest
from django.db import connection, transaction
from django.test import RequestFactory

from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record, diff
from common.request import RequestContextMiddleware


@pytest.fixture
def event(db):
    return audit_record(actor="seed_demo", action="test.thing", summary="测试")


def test_an_event_names_its_actor_action_and_object(make_user):
    user = make_user("admin")
    event = audit_record(actor=user, action="org.staff.update", obj=user.staff, summary="改职级")
    # Named as in every timeline: 姓名（工号）.
    assert event.actor == user and event.actor_label == f"{user.staff.name}（{user.staff.staff_no}）"
    assert event.object_type == "org.staff" and event.object_id == str(user.staff.pk)


def test_a_system_job_is_recorded_by_name(event):
    assert event.actor is None and event.actor_label == "seed_demo"


def test_an_event_cannot_be_changed(event):
    event.summary = "改写"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="x")
    assert AuditEvent.objects.filter(pk=event.pk, summary="测试").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_itself_refuses_to_rewrite_the_log(event):
    from django.db import DatabaseError

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET summary = 'x' WHERE id = %s", [event.pk])
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_the_client_address_of_the_request_is_recorded(db):
    captured = {}

    def view(request):
        captured["event"] = audit_record(actor="kiosk:HD01", action="test.request")
        return None

    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    RequestContextMiddleware(view)(request)
    assert captured["event"].client_ip == "10.1.2.3"


def test_an_event_rolls_back_with_the_change_it_describes(db):
    def change_that_fails():
        with transaction.atomic():
            audit_record(actor="test", action="test.rollback")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not AuditEvent.objects.filter(action="test.rollback").exists()


def test_diff_keeps_only_changed_fields():
    assert diff({"a": 1, "b": "x"}, {"a": 2, "b": "x", "c": None}) == {"a": [1, 2]}
