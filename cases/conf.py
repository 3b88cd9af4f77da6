"""Product settings of the cases app — choices of this product or of the centre, not
numbers of the centre's regulations (those live in the rule set `case_time_limit`).
Each can be overridden in settings.py by the name in brackets; docs/cases.md lists them.
"""

from __future__ import annotations

from django.conf import settings

from common.ratelimit import Backoff


def query_password_digits() -> int:
    """Digits of the query password printed on the 受理通知单 (002 篇5 §二2⑦ 查询密码).
    Six to eight; only a hash is kept. [CASES_QUERY_PASSWORD_DIGITS]"""
    digits = int(getattr(settings, "CASES_QUERY_PASSWORD_DIGITS", 6))
    return min(max(digits, 6), 8)


def query_limit_per_address() -> tuple[int, int]:
    """Look-ups (receipt number + password) per client address: (count, seconds).
    The hall's self-service machines share one address. [CASES_QUERY_LIMIT_PER_ADDRESS]"""
    return tuple(getattr(settings, "CASES_QUERY_LIMIT_PER_ADDRESS", (20, 900)))  # type: ignore[return-value]


def query_backoff() -> Backoff:
    """Failed look-ups of one receipt number from one address: free tries, then waits of
    first … longest seconds, doubling. [CASES_QUERY_BACKOFF = (free, first, longest)]"""
    free, first, longest = getattr(settings, "CASES_QUERY_BACKOFF", (5, 30, 900))
    return Backoff(free=free, first=first, longest=longest)


def public_access_seconds() -> int:
    """How long a successful look-up lets the browser see the case page without typing
    the password again. [CASES_PUBLIC_ACCESS_SECONDS]"""
    return int(getattr(settings, "CASES_PUBLIC_ACCESS_SECONDS", 1800))


def print_password_seconds() -> int:
    """How long after registration the teller's session may still print the query
    password on the notice (the password is shown once; only a hash is kept).
    [CASES_PRINT_PASSWORD_SECONDS]"""
    return int(getattr(settings, "CASES_PRINT_PASSWORD_SECONDS", 1800))


def public_base_url() -> str:
    """The address in front of the intranet server that a phone can reach, for the QR
    codes on the notices (e.g. https://gjj.example.gov.cn). Empty: the request's own
    host. [CASES_PUBLIC_BASE_URL, else QUEUEING_PUBLIC_BASE_URL]"""
    return str(
        getattr(settings, "CASES_PUBLIC_BASE_URL", "") or getattr(settings, "QUEUEING_PUBLIC_BASE_URL", "")
    )


def office_department_code() -> str:
    """Code of the business management office (业务管理处): it takes the applicant's
    request for review (复核, 002 篇5 §四3) and its phone is printed on the notices.
    The demo centre's is "YW". [CASES_OFFICE_DEPARTMENT]"""
    return str(getattr(settings, "CASES_OFFICE_DEPARTMENT", "YW"))


def appeal_route() -> dict[str, str]:
    """Where an applicant may turn against a refusal besides the centre's review
    (002 篇5 §四3): the body of administrative reconsideration and the court, with the
    periods of the laws (《行政复议法》第二十条, 《行政诉讼法》第四十六条). They depend on
    the centre's place in the administration, so they are the centre's configuration.
    [CASES_APPEAL_ROUTE]"""
    route = {
        "reconsideration_body": "邯郸市人民政府",
        "reconsideration_period": "自知道该决定之日起六十日内",
        "litigation_court": "有管辖权的人民法院",
        "litigation_period": "自知道或者应当知道该决定之日起六个月内",
    }
    route.update(getattr(settings, "CASES_APPEAL_ROUTE", {}))
    return route
