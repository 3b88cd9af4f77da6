"""Management commands (issue_device_token, queue_day_end), the SMS backends
(common/sms.py) and the admin pages of the queue."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from common import sms
from queueing import services
from queueing.models import Device, DeviceKind, Ticket, TicketStatus
from queueing.tests.conftest import C, window

# --- issue_device_token -------------------------------------------------------------------------


def test_issue_device_token_prints_a_token_once_and_stores_its_hash(hd01, client):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "issue_device_token",
        "--branch",
        "HD01",
        "--kind",
        "kiosk",
        "--name",
        "大厅1号",
        stdout=out,
        stderr=err,
    )
    token = out.getvalue().strip()
    device = Device.objects.get()
    assert (
        token.startswith("wsd_")
        and device.token_hash == Device.hash_token(token)
        and token not in str(device.__dict__)
    )
    assert "大厅1号" in err.getvalue()
    assert client.get("/api/v1/branches", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_issue_device_token_refuses_what_cannot_work(hd01):
    with pytest.raises(CommandError, match="没有代码为 XX"):
        call_command("issue_device_token", "--branch", "XX", "--kind", "kiosk", stdout=io.StringIO())
    with pytest.raises(CommandError, match="必须指定所在窗口"):
        call_command("issue_device_token", "--branch", "HD01", "--kind", "counter", stdout=io.StringIO())
    with pytest.raises(CommandError, match="没有 99 号窗口"):
        call_command(
            "issue_device_token",
            "--branch",
            "HD01",
            "--kind",
            "counter",
            "--window",
            "99",
            stdout=io.StringIO(),
        )


def test_a_counter_tablet_is_issued_for_its_window(hd01):
    out = io.StringIO()
    call_command(
        "issue_device_token",
        "--branch",
        "HD01",
        "--kind",
        "counter",
        "--window",
        "3",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert Device.objects.get().window == window(hd01, 3)


# --- queue_day_end ---------------------------------------------------------------------------------


def test_queue_day_end_reports_what_it_did(hd01, clock):
    services.ticket_take(actor="k", branch=hd01, category=C)
    clock.set(8, 0, day=clock.moment.date() + timedelta(days=1))
    out = io.StringIO()
    call_command("queue_day_end", stdout=out)
    assert "取消排队号 1 个" in out.getvalue()
    assert Ticket.objects.get().status == TicketStatus.CANCELLED


# --- SMS backends ---------------------------------------------------------------------------------


def test_the_console_backend_logs_the_text_with_the_number_masked(settings, caplog):
    settings.SMS_BACKEND = "common.sms.ConsoleBackend"
    settings.DEBUG = True  # the demo: a developer reads the booking code in the log
    with caplog.at_level(logging.INFO, logger="sms"):
        assert sms.send_sms(to="138 1234 5678", text="验证码 123456", purpose="test")
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text
    assert "【住房公积金】验证码 123456" in caplog.text


def test_in_production_the_console_backend_never_logs_a_code(settings, caplog):
    settings.SMS_BACKEND = "common.sms.ConsoleBackend"
    settings.DEBUG = False
    with caplog.at_level(logging.INFO, logger="sms"):
        assert sms.send_sms(to="138 1234 5678", text="验证码 123456", purpose="test")
    assert "138****5678" in caplog.text and "123456" not in caplog.text and "13812345678" not in caplog.text


def test_the_locmem_backend_keeps_messages_for_tests(sms_outbox, settings):
    settings.SMS_SIGNATURE = "【邯郸公积金】"
    sms.send_sms(to="+86 13812345678", text="您好", purpose="x")
    assert [(m.to, m.text, m.purpose) for m in sms_outbox] == [("13812345678", "【邯郸公积金】您好", "x")]


def test_an_invalid_number_is_refused_before_any_backend_sees_it(sms_outbox):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        sms.send_sms(to="12345", text="x")
    assert sms_outbox == []


class BrokenGateway:
    def send(self, messages):
        raise ConnectionError("gateway down")


def test_a_gateway_failure_is_logged_and_reported_never_raised(settings, caplog):
    settings.SMS_BACKEND = "queueing.tests.test_commands_and_sms.BrokenGateway"
    with caplog.at_level(logging.ERROR, logger="sms"):
        assert sms.send_sms(to="13812345678", text="x") is False
    assert "短信发送失败" in caplog.text and "138****5678" in caplog.text


# --- Admin ------------------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="pw-for-tests-only")


def test_the_admin_lists_queues_devices_tickets_and_masked_appointments(
    client, hd01, clock, superuser, sms_outbox
):
    from queueing.tests.test_appointments import ID_1, book

    book(hd01, sms_outbox, clock)
    services.ticket_take(actor="k", branch=hd01, category=C)
    services.device_issue(actor="t", branch=hd01, kind=DeviceKind.BOARD, name="大厅屏")
    client.force_login(superuser)
    for url in (
        "/admin/queueing/queue/",
        "/admin/queueing/hallsettings/",
        "/admin/queueing/device/",
        "/admin/queueing/ticket/",
        "/admin/queueing/windowstate/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get("/admin/queueing/appointment/").content.decode()
    assert ID_1 not in page and "1101**********0011" in page and "138****5678" in page
    assert client.get("/admin/queueing/device/add/").status_code == 403  # tokens come from the command


def test_revoking_a_device_in_the_admin_signs_it_out(client, hd01, superuser):
    device, token = services.device_issue(actor="t", branch=hd01, kind=DeviceKind.KIOSK, name="k")
    client.force_login(superuser)
    client.post("/admin/queueing/device/", {"action": "revoke", "_selected_action": [device.pk]})
    device.refresh_from_db()
    assert device.revoked_at is not None
    client.logout()
    assert client.get("/api/v1/branches", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
