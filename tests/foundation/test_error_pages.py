"""Error pages in the site's look and the reader's language: Chinese unless English was chosen."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory


def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_a_missing_page_says_so_in_chinese_with_a_way_home(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page
    assert 'lang="zh-hans"' in page
    assert 'href="/"' in page  # back to the home page
    assert "css/app.css" in page  # the site's look, not Django's bare page


@pytest.mark.django_db
def test_a_missing_page_is_in_english_for_a_reader_who_chose_english(client, settings):
    response = english(client, settings).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_wrong_role_sees_why_in_the_page_of_the_site(client, handler, settings):
    client.force_login(handler)
    response = client.get(reverse("imports:import"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权操作" in page
    assert "只有区府办工作人员和管理员可以导入" in page  # the reason the view gave
    english(client, settings)
    page = client.get(reverse("imports:import")).content.decode()
    assert "Not allowed" in page
    assert "Only office staff and administrators may import items." in page


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_says_the_form_expired():
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()


@pytest.mark.django_db
def test_a_server_error_shows_the_sites_page_in_the_readers_language(client, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("web.home.render", broken)
    client.raise_request_exception = False
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 500
    assert "出错了" in response.content.decode()
    english(client, settings)
    assert "Something went wrong" in client.get("/").content.decode()
