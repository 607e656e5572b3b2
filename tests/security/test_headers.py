"""The headers every answer carries: a strict Content-Security-Policy, a Permissions-Policy, no private caching."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from knox.models import AuthToken

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def directives(response):
    parts = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    return dict(parts)


def test_every_page_carries_the_strict_policy_without_inline_script_or_style(client, office):
    for response in (client.get(reverse("login")), client.get(reverse("portal:home"))):
        assert directives(response) == POLICY
        assert "unsafe" not in response["Content-Security-Policy"]
    client.force_login(office)
    assert directives(client.get(reverse("home"))) == POLICY


def test_every_page_refuses_the_browser_features_none_uses(client):
    policy = client.get(reverse("login"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_pages_for_a_logged_in_user_are_never_stored(client, office, item):
    client.force_login(office)
    for url in (reverse("home"), reverse("items:list"), reverse("items:detail", args=[item.pk])):
        assert client.get(url)["Cache-Control"] == "no-store, private", url


def test_a_download_is_never_stored(client, office, item):
    client.force_login(office)
    response = client.get(reverse("items:export"))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store, private"


def test_the_public_portal_stays_cacheable_for_the_public_but_not_for_a_logged_in_reader(client, office):
    anonymous = client.get(reverse("portal:home"))
    assert anonymous.status_code == 200
    assert "public" in anonymous["Cache-Control"] and "no-store" not in anonymous["Cache-Control"]
    client.force_login(office)  # the page's header now names the reader
    assert client.get(reverse("portal:home"))["Cache-Control"] == "no-store, private"


def test_an_api_answer_to_a_token_is_never_stored(client, office):
    _, token = AuthToken.objects.create(office)
    response = client.get("/api/v1/items/", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_an_anonymous_page_not_made_public_is_not_stored(client):
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]


@override_settings(
    DEBUG=False,
    SECRET_KEY="deploy-check-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
    ALLOWED_HOSTS=["example.org"],
    SECURE_SSL_REDIRECT=True,
    SITE_URL="https://example.org",
    SMS_BACKEND="notifications.backends.HTTPGatewaySMSBackend",
    SMS_GATEWAY_URL="https://sms.example.org/send",
    REDIS_URL="redis://redis.example.org:6379/0",  # as deployed (a `make test` on SQLite has none)
)
def test_the_deploy_check_finds_nothing_to_warn_about_with_the_headers_on():
    call_command("check", deploy=True, fail_level="WARNING")
