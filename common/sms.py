"""Text messages (短信) through a pluggable backend, chosen by a setting:

    SMS_BACKEND = "common.sms.ConsoleBackend"      # default: the log (development, demo)
    SMS_BACKEND = "common.sms.LocmemBackend"       # tests: kept in common.sms.outbox
    SMS_BACKEND = "myproject.sms.GatewayBackend"   # production: the centre's SMS gateway

    from common.sms import send_sms
    send_sms(to="13812345678", text="您的验证码为 123456，5分钟内有效。", purpose="booking_code")

A backend is a class with `send(messages) -> int` (how many were accepted). The
signature (`SMS_SIGNATURE`, default 【住房公积金】) is prepended to every text, as
Chinese carriers require. Numbers are validated (common.identity.validate_mobile)
before any backend sees them, and the log shows them masked.

Send after the transaction commits (`transaction.on_commit(lambda: send_sms(...))`)
so that a rolled-back write never texts anybody.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from common import clock
from common.identity import mask_phone, validate_mobile

logger = logging.getLogger("sms")

DEFAULT_BACKEND = "common.sms.ConsoleBackend"
DEFAULT_SIGNATURE = "【住房公积金】"


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    purpose: str = ""
    created_at: datetime = field(default_factory=clock.now)


class SmsBackend(Protocol):
    def send(self, messages: list[SmsMessage]) -> int: ...


class ConsoleBackend:
    """Writes each message to the `sms` logger (stderr by default), the number masked.
    With DEBUG on (the demo) the text is written in full, so that a developer can read a
    booking code; in production never — a code or a query password in a text must not
    reach the journal — only its purpose and length."""

    def send(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            body = message.text if settings.DEBUG else f"（正文{len(message.text)}字，生产环境不记录）"
            logger.info("短信 → %s [%s] %s", mask_phone(message.to), message.purpose or "-", body)
        return len(messages)


outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class LocmemBackend:
    """Keeps messages in `common.sms.outbox` (tests read and clear it)."""

    def send(self, messages: list[SmsMessage]) -> int:
        with _outbox_lock:
            outbox.extend(messages)
        return len(messages)


class NullBackend:
    """Drops every message (a deployment that must never text, e.g. a training copy)."""

    def send(self, messages: list[SmsMessage]) -> int:
        return len(messages)


def get_backend() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND)
    backend_class = import_string(path)
    return backend_class()


def signature() -> str:
    return str(getattr(settings, "SMS_SIGNATURE", DEFAULT_SIGNATURE))


def send_sms(*, to: str, text: str, purpose: str = "") -> bool:
    """Send one text to a mainland mobile number. Returns whether the backend took it;
    a backend failure is logged and reported as False, never raised into a page."""
    number = validate_mobile(to)
    message = SmsMessage(to=number, text=f"{signature()}{text}", purpose=purpose)
    try:
        return get_backend().send([message]) == 1
    except Exception:  # a gateway outage must not turn a booking page into a 500
        logger.exception("短信发送失败 → %s [%s]", mask_phone(number), purpose or "-")
        return False
