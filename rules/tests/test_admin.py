"""Admin pages of rule sets: who may see them, and revising / adopting through them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from common import clock
from rules.models import RuleKind, RuleSet
from rules.selectors import rule_set_latest, rules_in_force

pytestmark = pytest.mark.django_db

WINDOW = "handan-2021-window-score"
LIST = reverse("admin:rules_ruleset_changelist")


def _pk(code: str) -> int:
    return rule_set_latest(code).pk


def _revise_url(code: str = WINDOW) -> str:
    return reverse("admin:rules_ruleset_revise", args=[_pk(code)])


def _days(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin"))
    return client


@pytest.mark.parametrize("url", [LIST, "revise"])
def test_anonymous_is_sent_to_the_login_page(client, url):
    response = client.get(_revise_url() if url == "revise" else url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url", [LIST, "revise"])
def test_a_teller_without_admin_access_is_refused(client, make_user, url):
    client.force_login(make_user("teller"))
    response = client.get(_revise_url() if url == "revise" else url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_viewer_of_the_admin_may_read_rule_sets_but_not_revise_them(client, make_user):
    office = make_user("office")
    office.is_staff = True
    office.save(update_fields=["is_staff"])
    client.force_login(office)
    assert client.get(LIST).status_code == 200
    detail = client.get(reverse("admin:rules_ruleset_change", args=[_pk(WINDOW)]))
    assert detail.status_code == 200
    assert "修订（基于" not in detail.content.decode()
    assert client.get(_revise_url()).status_code == 403
    assert client.post(_revise_url(), {"params": "{}", "note": "x"}).status_code == 403


def test_the_list_shows_every_version_with_its_range_and_whether_it_is_in_force(
    admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    for code in (WINDOW, "xinjian-2018-fines", "anqing-2019-complaint-penalty"):
        assert code in html
    assert "2021-07-21 起" in html
    assert "备选（未采用）" in html
    assert "今日生效" in html


def test_the_detail_is_read_only_with_params_and_interpretations(admin_client):
    response = admin_client.get(reverse("admin:rules_ruleset_change", args=[_pk(WINDOW)]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "&quot;citizen_weight&quot;: 80" in html or '"citizen_weight": 80' in html
    assert "000 §五(五)4(1)" in html
    assert "80 ×（r + 4）÷ 5" in html
    assert 'name="_save"' not in html
    assert "修订（基于第1版）" in html


def test_the_revise_form_is_prefilled_with_the_current_params(admin_client):
    response = admin_client.get(_revise_url())
    assert response.status_code == 200
    assert json.loads(response.context["form"].initial["params"]) == rule_set_latest(WINDOW).params


def test_an_admin_revises_a_rule_set_from_a_future_date(admin_client):
    params = rule_set_latest(WINDOW).params | {"min_inspections_per_year": 4}
    response = admin_client.post(
        _revise_url(),
        {
            "params": json.dumps(params, ensure_ascii=False),
            "effective_from": _days(5),
            "note": "每年至少四次",
        },
    )
    assert response.status_code == 302
    row = rule_set_latest(WINDOW)
    assert (row.version, row.effective_from.isoformat(), row.note) == (2, _days(5), "每年至少四次")
    assert rules_in_force(RuleKind.WINDOW_SCORE, clock.today()).rule_set.version == 1
    event = AuditEvent.objects.for_object(row).get()
    assert event.action == "rules.rule_set.revise"
    assert event.actor == row.created_by == response.wsgi_request.user


@pytest.mark.parametrize(
    ("change", "date", "field", "message"),
    [
        ({"citizen_weight": 90}, 5, "params", "应等于 total（100）"),
        ({"citizen_weight": "八十"}, 5, "params", "params.citizen_weight：应为整数"),
        ({"min_inspections_per_year": 3}, 0, "effective_from", "必须晚于今天"),
        ({"min_inspections_per_year": 3}, -30, "effective_from", "历史不改写"),
    ],
)
def test_the_revise_form_shows_the_reason_of_a_refusal(admin_client, change, date, field, message):
    params = rule_set_latest(WINDOW).params | change
    response = admin_client.post(
        _revise_url(),
        {"params": json.dumps(params, ensure_ascii=False), "effective_from": _days(date), "note": "x"},
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert RuleSet.objects.filter(code=WINDOW).count() == 1


def test_the_revise_form_refuses_text_that_is_not_json(admin_client):
    response = admin_client.post(
        _revise_url(), {"params": "{levels: 1", "effective_from": _days(3), "note": "x"}
    )
    assert "不是有效的 JSON" in response.context["form"].errors["params"][0]


def test_an_admin_adopts_the_alternative_complaint_penalty(admin_client):
    url = reverse("admin:rules_ruleset_adopt", args=[_pk("anqing-2019-complaint-penalty")])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"effective_from": _days(10), "note": "改按逐次处罚"})
    assert response.status_code == 302
    assert rules_in_force(RuleKind.COMPLAINT_PENALTY, clock.today() + timedelta(days=10)).rule_set.code == (
        "anqing-2019-complaint-penalty"
    )
    refused = admin_client.post(
        reverse("admin:rules_ruleset_adopt", args=[_pk("xinjian-2018-complaint-penalty")]),
        {"effective_from": _days(3)},
    )
    assert "不能早于现行（或已排定）版本" in refused.context["form"].errors["effective_from"][0]
