"""Look-up passwords (case query, complaint tracking): the check when there is no record.

A wrong number and a wrong password must take the same time and get the same answer, so a
miss is checked against a hash of nothing too. The hash is made on first use, with the
hasher configured then — never at import, which would also fix the hasher list before the
settings (or the tests) are done with it."""

from __future__ import annotations

from functools import cache

from django.contrib.auth.hashers import check_password, make_password


@cache
def _nothing_hash() -> str:
    return make_password("not-a-look-up-password")


def check_against_nothing(password: str | None) -> bool:
    """Spend what a real check spends; always False."""
    check_password(password or "", _nothing_hash())
    return False
