"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from org.models import Role


@pytest.fixture
def make_user(db):
    """make_user("teller", branch=…) → a user with a staff record and that role."""
    from org.models import Staff
    from org.services import staff_account_create

    counter = {"n": 0}

    def make(role: str | None = None, *, branch=None, username: str | None = None, **fields) -> object:
        counter["n"] += 1
        n = counter["n"]
        roles = [Role(role)] if role else []
        staff: Staff = staff_account_create(
            actor="test",
            username=username or f"{role or 'norole'}{n}",
            password="pw-for-tests-only",
            staff_no=f"T{n:04d}",
            name=f"测试{n}",
            roles=roles,
            branch=branch,
            **fields,
        )
        return staff.user

    return make
