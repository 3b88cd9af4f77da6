"""rules 0005: a database whose `case_time_limit` rule set was stored before the legal
grounds of 不予受理 existed gets them (and their two interpretations) from the bundled
file, audited; nothing else of the version changes, and a version that has them already
is left alone (issue 14.8)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEvent
from rules.loader import BUNDLED_DIR, parse_bundled
from rules.models import RuleSet

pytestmark = pytest.mark.django_db

migration = importlib.import_module("rules.migrations.0005_case_rejection_grounds")


def _state_apps():
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(("rules", "0005_case_rejection_grounds")).apps


def test_a_version_stored_without_the_grounds_gets_them_and_keeps_everything_else():
    apps = _state_apps()
    historical = apps.get_model("rules", "RuleSet")
    row = historical.objects.get(code="handan-2021-case-time-limit", version=1)
    bundled = parse_bundled(BUNDLED_DIR / "handan-2021-case-time-limit.toml")
    # As a database migrated before issue 14.8 holds it.
    old_params = {k: v for k, v in row.params.items() if k not in migration.FIELDS}
    old_interpretations = [
        i
        for i in row.interpretations
        if "rejection_grounds" not in i["interpretation"]
        and "missing_material_phrases" not in i["interpretation"]
    ]
    row.params, row.interpretations, row.source = old_params, old_interpretations, migration.OLD_SOURCE
    row.save(update_fields=["params", "interpretations", "source"])

    migration.add(apps, None)

    stored = RuleSet.objects.get(code="handan-2021-case-time-limit", version=1)
    assert stored.params == bundled.params  # the grounds added, every number as it was
    assert stored.interpretations == bundled.interpretations
    assert stored.source == bundled.source and bundled.same_content(stored)
    assert stored.effective_from == bundled.effective_from and stored.effective_to is None
    assert [g["code"] for g in stored.params["rejection_grounds"]] == [
        "conditions_not_met",
        "contrary_to_rules",
        "outside_remit",
    ]
    event = AuditEvent.objects.get(action="rules.rule_set.amend")
    assert event.object_id == str(stored.pk) and "不予受理" in event.summary


def test_a_version_that_has_the_grounds_is_left_alone():
    before = RuleSet.objects.get(code="handan-2021-case-time-limit", version=1).params
    migration.add(_state_apps(), None)
    assert RuleSet.objects.get(code="handan-2021-case-time-limit", version=1).params == before
    assert not AuditEvent.objects.filter(action="rules.rule_set.amend").exists()
