"""Login in Chinese by default, the language switch, lockout after failed logins, and the idle timeout."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

PASSWORD = "pw-for-tests-only"  # tests/factories.UserFactory


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def test_the_login_page_is_in_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.text
    assert "登录" in response.text


def test_the_login_page_switches_to_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    response = client.get(reverse("login"))
    assert 'lang="en"' in response.text
    assert "Log in" in response.text
    assert "登录" not in response.text


def test_logging_in_lands_on_the_home_page_showing_the_role(client, office):
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert 'data-role="office"' in response.text
    assert "闵行区" in response.text


def test_logout_is_a_post_and_a_get_does_not_log_out(client, office):
    client.force_login(office)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_the_home_page_needs_a_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_account_locks_after_the_failure_limit_and_refuses_even_the_right_password(client, office, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "office", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(reverse("login"), {"username": "office", "password": "wrong"})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]

    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, office, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": "office", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_behind_a_proxy_one_clients_failures_do_not_lock_out_another(client, office, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):  # a spoofed address first: the proxy appended the real one
        client.post(reverse("login"), {"username": "office", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9", **proxy)  # fmt: skip
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.66", **proxy)  # fmt: skip
    assert response.status_code == 302  # another client behind the same proxy still logs in


def test_the_locked_page_says_how_long_to_wait(client, office, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "office", "password": "wrong"})
    assert "locked after 5 failed login attempts" in response.text
    assert "Try again in 30 minutes" in response.text


def test_an_idle_session_ends_after_thirty_minutes(client, office, settings):
    assert settings.SESSION_IDLE_TIMEOUT_MINUTES == 30
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(office)
        assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200  # activity restarts the clock
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("user", "links"),
    [
        ("office", {"import": True, "reports": True}),
        ("leader", {"import": False, "reports": True}),
        ("handler", {"import": False, "reports": False}),
        ("proposer_user", {"import": False, "reports": False}),
        ("city_admin", {"import": True, "reports": True}),
    ],
)
def test_the_navigation_offers_what_the_role_may_use(client, request, user, links):
    client.force_login(request.getfixturevalue(user))
    page = client.get(reverse("home")).text
    assert (f'href="{reverse("imports:import")}"' in page) == links["import"]
    assert (f'href="{reverse("reports:annual")}"' in page) == links["reports"]
    assert f'action="{reverse("logout")}" method="post"' in page
