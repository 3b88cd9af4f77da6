"""Personal data stays out of the logs (等保2.0 个人信息保护; docs/security.md).

`RedactPersonalData` is a filter on every log handler (settings.LOGGING): identity and
mobile numbers in a message or a traceback are masked (common.identity.scrub), and the
row values a database puts into an error ("Failing row contains (…)", "Key (phone)=(…)")
are cut out, so that a rejected insert never writes a citizen's data to the journal.
"""

from __future__ import annotations

import logging
import re

from common.identity import scrub

_ROW = re.compile(r"(Failing row contains )\(.*?\)(?=\.?\s*$)", re.MULTILINE)
_KEY = re.compile(r"(Key \([^)]*\)=)\(.*?\)", re.MULTILINE)
_PARAMS = re.compile(r"(params=)(\(.*?\)|\[.*?\])", re.MULTILINE)


def redact(text: str) -> str:
    text = _ROW.sub(r"\1(…)", text)
    text = _KEY.sub(r"\1(…)", text)
    text = _PARAMS.sub(r"\1(…)", text)
    return scrub(text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
