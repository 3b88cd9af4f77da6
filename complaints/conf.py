"""Product settings of the complaints app — choices of this product, not numbers of a
regulation (those live in the rule sets). Each can be overridden in settings.py by
the name in brackets; docs/complaints.md lists them.
"""

from __future__ import annotations

from django.conf import settings

from common.ratelimit import Backoff, LookupGate


def party_committee_code() -> str:
    """Code of the department that is the party committee (机关党委): responsibility
    findings are filed with it (000 §五(四)8(2)) and it re-reviews disputed decisions
    (§11). The demo centre's is "DW". [COMPLAINTS_PARTY_COMMITTEE_DEPARTMENT]"""
    return str(getattr(settings, "COMPLAINTS_PARTY_COMMITTEE_DEPARTMENT", "DW"))


def party_committee_scopes() -> frozenset[str]:
    """Scope codes (complaint rule set) of complaints the party committee leads from
    intake: 涉及纪委监委相关工作的投诉 (000 §五(四)4), by default the integrity
    category (吃、拿、卡、要…). [COMPLAINTS_PARTY_COMMITTEE_SCOPES]"""
    return frozenset(getattr(settings, "COMPLAINTS_PARTY_COMMITTEE_SCOPES", ("integrity",)))


def public_submit_limit() -> tuple[int, int]:
    """Web complaints accepted per client address: (count, seconds). [COMPLAINTS_PUBLIC_SUBMIT_LIMIT]"""
    return tuple(getattr(settings, "COMPLAINTS_PUBLIC_SUBMIT_LIMIT", (5, 3600)))  # type: ignore[return-value]


def public_lookup_limit() -> tuple[int, int]:
    """Follow-up look-ups per client address: (count, seconds). [COMPLAINTS_PUBLIC_LOOKUP_LIMIT]"""
    return tuple(getattr(settings, "COMPLAINTS_PUBLIC_LOOKUP_LIMIT", (10, 900)))  # type: ignore[return-value]


def lookup_backoff() -> Backoff:
    """Failed look-ups of one complaint number from one address: free tries, then waits of
    first … longest seconds, doubling. [COMPLAINTS_LOOKUP_BACKOFF = (free, first, longest)]"""
    free, first, longest = getattr(settings, "COMPLAINTS_LOOKUP_BACKOFF", (5, 30, 900))
    return Backoff(free=free, first=first, longest=longest)


def lookup_gate() -> LookupGate:
    """The gate in front of the complainant's look-up (pages and API count together)."""
    return LookupGate("complaint-lookup", public_lookup_limit(), lookup_backoff())


def public_access_seconds() -> int:
    """How long a successful look-up lets the browser see the status page without
    typing the password again. [COMPLAINTS_PUBLIC_ACCESS_SECONDS]"""
    return int(getattr(settings, "COMPLAINTS_PUBLIC_ACCESS_SECONDS", 1800))


def repeat_window_days() -> int:
    """Default window of the yearly analysis for "repeat complaints" (same complainant
    or phone, or same subject and staff): complaints at most this many days apart.
    The report page lets the office change it per run. [COMPLAINTS_REPEAT_WINDOW_DAYS]"""
    return int(getattr(settings, "COMPLAINTS_REPEAT_WINDOW_DAYS", 90))


ATTACHMENT_MAX_BYTES = int(getattr(settings, "COMPLAINTS_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))
ATTACHMENT_MAX_FILES = int(getattr(settings, "COMPLAINTS_ATTACHMENT_MAX_FILES", 5))
# Photos, scans and documents a citizen can produce on a phone; nothing executable.
ATTACHMENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
}
