"""Revising and adopting rule sets; reading the version in force."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from common import clock
from common.errors import Conflict, DomainError
from rules.loader import Outcome, load_bundled, read_bundled
from rules.models import ImmutableRuleSetError, RuleKind, RuleSet
from rules.selectors import NoRulesInForce, rule_set_latest, rules_in_force
from rules.services import params_diff, rule_set_adopt, rule_set_revise
from rules.validation import RuleParamsInvalid

pytestmark = pytest.mark.django_db

WINDOW = "handan-2021-window-score"


def days(n: int):
    return clock.today() + timedelta(days=n)


def _window_params(**changes):
    params = copy.deepcopy(rule_set_latest(WINDOW).params)
    params.update(changes)
    return params


def _with_points(points: dict[int, int]):
    params = _window_params()
    for level in params["levels"]:
        level["points"] = points[level["level"]]
    return params


def test_rules_in_force_switches_on_the_day_of_a_revision_and_not_the_day_before():
    row = rule_set_revise(
        actor="test",
        code=WINDOW,
        params=_with_points({5: 2, 4: 0, 3: 0, 2: -2, 1: -4}),
        effective_from=days(10),
        note="非常满意改为加2分",
    )
    before, on = (
        rules_in_force(RuleKind.WINDOW_SCORE, days(9)),
        rules_in_force(RuleKind.WINDOW_SCORE, days(10)),
    )
    assert (before.rule_set.version, before.params.points[5]) == (1, 1)
    assert (on.rule_set.version, on.params.points[5], on.ref) == (2, 2, f"{WINDOW}@2")
    assert row.interpretations == before.rule_set.interpretations
    assert RuleSet.objects.get(code=WINDOW, version=1).effective_to == days(10)


def test_it_refuses_a_revision_taking_effect_today_or_in_the_past():
    for when in (days(0), days(-1)):
        with pytest.raises(DomainError, match="必须晚于今天") as exc:
            rule_set_revise(
                actor="test",
                code=WINDOW,
                params=_window_params(min_inspections_per_year=3),
                effective_from=when,
                note="试图改写历史",
            )
        assert exc.value.extra["field"] == "effective_from"
    assert RuleSet.objects.filter(code=WINDOW).count() == 1


def test_it_refuses_a_revision_earlier_than_the_version_already_scheduled():
    rule_set_revise(
        actor="test",
        code=WINDOW,
        params=_window_params(min_inspections_per_year=3),
        effective_from=days(30),
        note="每年三次",
    )
    with pytest.raises(DomainError, match="不能早于现行（或已排定）版本"):
        rule_set_revise(
            actor="test",
            code=WINDOW,
            params=_window_params(min_inspections_per_year=4),
            effective_from=days(20),
            note="每年四次",
        )


def test_a_revision_on_the_day_of_a_scheduled_one_replaces_it_before_it_takes_effect():
    first = rule_set_revise(
        actor="test",
        code=WINDOW,
        params=_window_params(min_inspections_per_year=3),
        effective_from=days(30),
        note="每年三次",
    )
    rule_set_revise(
        actor="test",
        code=WINDOW,
        params=_window_params(min_inspections_per_year=4),
        effective_from=days(30),
        note="改为每年四次",
    )
    first.refresh_from_db()
    assert first.effective_to == first.effective_from
    assert rules_in_force(RuleKind.WINDOW_SCORE, days(30)).params.min_inspections_per_year == 4


def test_it_refuses_invalid_params_with_a_chinese_message_naming_the_field():
    params = _window_params(citizen_weight=70)
    with pytest.raises(RuleParamsInvalid, match=r"citizen_weight（70）.*应等于 total（100）"):
        rule_set_revise(actor="test", code=WINDOW, params=params, effective_from=days(5), note="x")
    params = _window_params()
    params["levels"][0]["points"] = "一"
    params["colour"] = "red"
    with pytest.raises(RuleParamsInvalid) as exc:
        rule_set_revise(actor="test", code=WINDOW, params=params, effective_from=days(5), note="x")
    fields = {e["field"]: e["message"] for e in exc.value.extra["errors"]}
    assert fields == {"params.levels[0].points": "应为整数", "params.colour": "不允许的字段（拼写错误？）"}
    assert RuleSet.objects.filter(code=WINDOW).count() == 1


def test_it_refuses_a_revision_that_changes_nothing_or_has_no_note():
    with pytest.raises(DomainError, match="无需修订"):
        rule_set_revise(
            actor="test", code=WINDOW, params=_window_params(), effective_from=days(3), note="同样"
        )
    with pytest.raises(DomainError, match="修订说明"):
        rule_set_revise(
            actor="test",
            code=WINDOW,
            params=_window_params(min_inspections_per_year=3),
            effective_from=days(3),
            note="  ",
        )


def test_a_rule_set_in_force_cannot_be_revised_without_a_date_but_an_alternative_can():
    with pytest.raises(DomainError, match="必须填写生效日期"):
        rule_set_revise(
            actor="test",
            code=WINDOW,
            params=_window_params(min_inspections_per_year=3),
            effective_from=None,
            note="x",
        )
    alt = rule_set_latest("anqing-2019-complaint-penalty")
    params = copy.deepcopy(alt.params)
    params["ladder"]["steps"][0]["amount_yuan"] = 200
    row = rule_set_revise(actor="test", code=alt.code, params=params, effective_from=None, note="提高到200元")
    assert (row.version, row.effective_from) == (2, None)
    assert (
        rules_in_force(RuleKind.COMPLAINT_PENALTY, days(1)).rule_set.code == "xinjian-2018-complaint-penalty"
    )


def test_adopting_an_alternative_switches_from_that_date_and_the_earlier_period_keeps_the_old_set():
    row = rule_set_adopt(actor="test", code="anqing-2019-complaint-penalty", effective_from=days(7))
    assert (row.version, row.effective_from, row.effective_to) == (2, days(7), None)
    old = rules_in_force(RuleKind.COMPLAINT_PENALTY, days(6))
    new = rules_in_force(RuleKind.COMPLAINT_PENALTY, days(7))
    assert old.rule_set.code == "xinjian-2018-complaint-penalty"
    assert old.params.ladder.step_for(2).amount_yuan == 30
    assert new.rule_set.code == "anqing-2019-complaint-penalty"
    assert new.params.ladder.step_for(1).amount_yuan == 100
    assert (
        rules_in_force(RuleKind.COMPLAINT_PENALTY, days(-1)).rule_set.code == "xinjian-2018-complaint-penalty"
    )
    # version 1 of the alternative stays what it was: never adopted
    assert RuleSet.objects.get(code="anqing-2019-complaint-penalty", version=1).effective_from is None


def test_it_refuses_to_adopt_the_rule_set_already_in_force():
    with pytest.raises(DomainError, match="已是“有效投诉处罚”的现行"):
        rule_set_adopt(actor="test", code="xinjian-2018-complaint-penalty", effective_from=days(3))


def test_the_earlier_set_can_be_adopted_back_later():
    rule_set_adopt(actor="test", code="anqing-2019-complaint-penalty", effective_from=days(7))
    back = rule_set_adopt(actor="test", code="xinjian-2018-complaint-penalty", effective_from=days(40))
    assert back.version == 2
    assert (
        rules_in_force(RuleKind.COMPLAINT_PENALTY, days(39)).rule_set.code == "anqing-2019-complaint-penalty"
    )
    assert (
        rules_in_force(RuleKind.COMPLAINT_PENALTY, days(40)).rule_set.ref
        == "xinjian-2018-complaint-penalty@2"
    )


def test_revising_and_adopting_write_audit_events_with_the_actor(make_user):
    admin = make_user("admin")
    row = rule_set_revise(
        actor=admin,
        code=WINDOW,
        params=_with_points({5: 2, 4: 0, 3: 0, 2: -2, 1: -4}),
        effective_from=days(10),
        note="非常满意改为加2分",
    )
    event = AuditEvent.objects.for_object(row).get()
    assert (event.action, event.actor, row.created_by) == ("rules.rule_set.revise", admin, admin)
    assert event.changes["params"] == {"levels[0].points": [1, 2]}
    assert event.changes["superseded"] == f"{WINDOW}@1"
    adopted = rule_set_adopt(actor=admin, code="anqing-2019-complaint-penalty", effective_from=days(3))
    assert AuditEvent.objects.for_object(adopted).get().action == "rules.rule_set.adopt"


def test_the_migration_recorded_an_audit_event_per_loaded_rule_set():
    events = AuditEvent.objects.filter(action="rules.rule_set.load")
    assert events.count() == RuleSet.objects.count() == 11


def test_a_version_is_immutable_except_for_being_closed():
    row = rule_set_latest(WINDOW)
    row.params = {}
    with pytest.raises(ImmutableRuleSetError):
        row.save()
    with pytest.raises(ImmutableRuleSetError):
        row.delete()
    with pytest.raises(ImmutableRuleSetError):
        RuleSet.objects.filter(code=WINDOW).update(note="x")


def test_no_rules_in_force_is_a_clear_domain_error():
    with pytest.raises(NoRulesInForce, match="2020-01-01 没有生效的“服务窗口评价”规则集") as exc:
        rules_in_force(RuleKind.WINDOW_SCORE, days(0).replace(year=2020, month=1, day=1))
    assert exc.value.code == "no_rules_in_force"


def test_loading_the_bundle_again_changes_nothing():
    results = load_bundled(RuleSet)
    assert {outcome for _, outcome in results} == {Outcome.UNCHANGED}
    assert RuleSet.objects.count() == 11


def test_a_changed_bundled_file_is_reported_and_applied_only_with_the_revise_flag(capsys, monkeypatch):
    bundle = read_bundled()
    changed = []
    for item in bundle:
        if item.code == WINDOW:
            params = copy.deepcopy(item.params)
            params["min_inspections_per_year"] = 3
            item = type(item)(**{**item.__dict__, "params": params})
        changed.append(item)
    monkeypatch.setattr("rules.management.commands.load_rules.read_bundled", lambda: changed)
    call_command("load_rules")
    captured = capsys.readouterr()
    assert f"{WINDOW}.toml：已变更，未应用" in captured.out
    assert "--revise" in captured.err
    assert RuleSet.objects.filter(code=WINDOW).count() == 1
    call_command("load_rules", "--revise", "--effective-from", days(14).isoformat())
    assert "已修订为第2版" in capsys.readouterr().out
    assert rules_in_force(RuleKind.WINDOW_SCORE, days(14)).params.min_inspections_per_year == 3
    call_command("load_rules")
    assert "已变更" not in capsys.readouterr().out


def test_a_new_bundled_code_for_a_kind_already_in_force_is_loaded_as_an_alternative():
    item = next(i for i in read_bundled() if i.code == "product-rating-followup")
    other = type(item)(**{**item.__dict__, "code": "other-rating-followup"})
    assert load_bundled(RuleSet, bundle=[other]) == [(other, Outcome.ALTERNATIVE)]
    assert RuleSet.objects.get(code="other-rating-followup").effective_from is None


def test_params_diff_names_the_changed_leaves():
    assert params_diff({"a": [{"b": 1}, {"b": 2}], "c": 1}, {"a": [{"b": 1}, {"b": 3}], "d": 1}) == {
        "a[1].b": [2, 3],
        "c": [1, None],
        "d": [None, 1],
    }


def test_a_concurrent_revision_of_the_same_kind_is_a_conflict_not_a_crash(monkeypatch):
    # What a second transaction sees on PostgreSQL after the first committed: no open
    # version left to close; the partial unique constraint refuses the second one.
    monkeypatch.setattr("rules.services._open_version", lambda kind: None)
    with pytest.raises(Conflict, match="请刷新后重试"):
        rule_set_revise(
            actor="test",
            code=WINDOW,
            params=_window_params(min_inspections_per_year=3),
            effective_from=days(5),
            note="并发",
        )
    assert RuleSet.objects.filter(code=WINDOW).count() == 1
