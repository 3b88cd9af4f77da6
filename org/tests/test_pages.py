"""The staff start page and the organisation overview: anonymous, no role, right role."""

import pytest
from django.urls import reverse

from org.demo import seed_demo
from org.models import Branch


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.mark.parametrize("url_name", ["home", "org_overview"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url_name", ["home", "org_overview"])
def test_a_login_without_any_role_is_refused(client, make_user, url_name):
    client.force_login(make_user(None))
    response = client.get(reverse(url_name))
    assert response.status_code == 403
    assert "尚未分配角色" in response.content.decode()


def test_a_teller_sees_only_the_windows_and_staff_of_their_own_branch(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="teller3"))  # 武安
    html = client.get(reverse("org_overview")).content.decode()
    assert "武安市管理部" in html
    assert "涉县管理部" not in html
    assert "中心服务大厅" not in html
    assert "谢娜" in html and "胡晓明" not in html


def test_the_office_sees_every_branch_and_the_departments(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="office1"))
    html = client.get(reverse("org_overview")).content.decode()
    for branch in Branch.objects.all():
        assert branch.name in html
    assert "机关党委" in html


def test_staff_phone_numbers_are_masked_in_the_list(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="office1"))
    html = client.get(reverse("org_overview")).content.decode()
    assert "13803100001" not in html
    assert "138****0001" in html


def test_the_overview_makes_a_fixed_number_of_queries(client, demo, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="office1"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("org_overview")).status_code == 200


def test_the_start_page_greets_the_person_with_their_roles(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="teller1"))
    html = client.get(reverse("home")).content.decode()
    assert "胡晓明" in html and "柜员" in html and "中心服务大厅" in html


def test_the_login_page_leads_citizens_to_the_public_pages(client, db):
    html = client.get(reverse("login")).content.decode()
    for name in (
        "guide_index",
        "guide_commitments",
        "book",
        "case_query",
        "public_complain",
        "public_complaint_track",
    ):
        assert f'href="{reverse(name)}"' in html
