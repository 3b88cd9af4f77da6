"""Personal data stays out of the logs (issue 15): the production log configuration masks
identity and mobile numbers and cuts database row values out of errors."""

from __future__ import annotations

import io
import logging

from django.conf import settings

from common.logs import RedactPersonalData, redact


def test_a_rejected_insert_logs_no_row_values():
    text = (
        'null value in column "x" violates not-null constraint\n'
        "DETAIL:  Failing row contains (7, 张三, 13812345678, 130402198807150027, 2026-12-07).\n"
        "Key (phone)=(13812345678) already exists."
    )
    cleaned = redact(text)
    assert "13812345678" not in cleaned and "130402198807150027" not in cleaned and "张三" not in cleaned
    assert "Failing row contains (…)" in cleaned and "Key (phone)=(…)" in cleaned


def test_every_handler_of_the_production_configuration_redacts():
    assert all("redact" in h.get("filters", []) for h in settings.LOGGING["handlers"].values())


def test_a_traceback_is_redacted_too():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalData())
    logger = logging.getLogger("test.redact")
    logger.addHandler(handler)
    try:
        raise ValueError("身份证 130402198807150027 手机 13812345678")
    except ValueError:
        logger.exception("保存失败：%s", "13812345678")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "130402198807150027" not in output and "13812345678" not in output
    assert "1304**********0027" in output and "138****5678" in output
