"""The look-up miss check (common.passwords) and the suite's fast hasher."""

from __future__ import annotations

from django.contrib.auth.hashers import get_hasher

from common import passwords


def test_a_miss_is_checked_like_a_real_password_and_is_always_false():
    assert passwords.check_against_nothing("12345678") is False
    assert passwords.check_against_nothing(None) is False
    assert passwords.check_against_nothing("not-a-look-up-password") is False


def test_the_suite_hashes_with_the_fast_hasher_although_modules_made_hashes_on_import():
    # conftest.py resets Django's cached hasher list after switching it: an import-time
    # make_password() must not pin PBKDF2 (a third of a second per account) for the run.
    assert get_hasher().algorithm == "md5"
