"""Text messages of the cases app, through the project's pluggable SMS backend
(common.sms). Messages go out after the transaction commits, so a rolled-back change
never texts anybody; a number that is not a mainland mobile is skipped (landlines
cannot receive texts), and a gateway failure never breaks a page."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from common.identity import validate_mobile

logger = logging.getLogger("cases")


def is_mobile(number: str) -> bool:
    try:
        validate_mobile(number)
    except ValidationError:
        return False
    return True


def text_after_commit(*, to: str, text: str, purpose: str) -> bool:
    """Queue one text for after the commit; False (and nothing queued) when `to` is not
    a mobile number."""
    if not to or not is_mobile(to):
        return False

    def send() -> None:
        from common.sms import send_sms  # imported late: the backend is chosen by settings

        if not send_sms(to=to, text=text, purpose=purpose):
            logger.warning("办件短信未发出（%s）", purpose)

    transaction.on_commit(send)
    return True
