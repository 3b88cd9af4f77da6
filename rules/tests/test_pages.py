import pytest
from django.urls import reverse


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("rule_set_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_login_without_a_role_is_refused(client, make_user):
    client.force_login(make_user(None))
    assert client.get(reverse("rule_set_list")).status_code == 403


@pytest.mark.parametrize("role", ["teller", "office", "leader"])
def test_every_role_reads_the_rules_in_force_with_their_interpretations(client, make_user, role):
    client.force_login(make_user(role))
    html = client.get(reverse("rule_set_list")).content.decode()
    assert "服务窗口评价" in html or "窗口" in html
    assert "handan-2021-window-score@1" in html
    assert "生效中" in html
    assert "本系统的理解" in html
