"""Tokens: log in for one, list mine, revoke mine; the throttle and the lockout apply as on the login page."""

import pytest
from django.utils import translation
from knox.models import AuthToken
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import AccountState, DistrictSecurity
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"
LOGIN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"


def _login(api, username, password=PASSWORD):
    return api.post(LOGIN, {"username": username, "password": password}, format="json")


def test_a_token_from_a_login_opens_the_api(api, office):
    response = _login(api, "office")
    assert response.status_code == 201
    token = response.json()["token"]
    assert len(token) == 64
    assert api.get("/api/v1/items/").status_code == 401  # no token, no session
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/items/").status_code == 200


def test_a_user_holds_several_tokens_and_lists_them_without_their_secret(api, office):
    first = _login(api, "office").json()
    second = _login(api, "office").json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {second['token']}")
    listed = api.get(TOKENS).json()
    assert {t["id"] for t in listed} == {first["id"], second["id"]}
    assert [t["current"] for t in listed if t["id"] == second["id"]] == [True]
    text = str(listed)
    assert first["token"] not in text and second["token"] not in text
    assert first["token"][:8] not in text  # not even the token's start


def test_revoking_a_token_ends_it_and_only_its_owner_may(api, office, handler):
    mine = _login(api, "office").json()
    other = _login(api, "office").json()
    theirs = _login(api, "handler").json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {mine['token']}")
    assert api.delete(f"{TOKENS}{theirs['id']}/").status_code == 404
    assert api.delete(f"{TOKENS}{'0' * 16}/").status_code == 404
    assert api.delete(f"{TOKENS}{other['id']}/").status_code == 204
    api.credentials(HTTP_AUTHORIZATION=f"Token {other['token']}")
    assert api.get(TOKENS).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {theirs['token']}")
    assert api.get(TOKENS).status_code == 200  # the handler's token still works


def test_a_wrong_password_is_a_400_in_the_one_error_shape(api, office):
    with translation.override("en"):
        response = _login(api, "office", "wrong")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "login_failed"
    assert body["field"] is None
    assert AuthToken.objects.count() == 0


def test_bad_input_names_the_field(api):
    response = api.post(LOGIN, {"username": "office"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "password"


def test_the_lockout_of_the_login_page_locks_token_logins_too(api, office, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert _login(api, "office", "wrong").status_code == 400
    locked = _login(api, "office", "wrong")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert locked["Content-Type"] == "application/json"
    again = _login(api, "office")  # the right password, but locked out
    assert again.status_code == 429
    assert AuthToken.objects.count() == 0
    assert _login(api, "handler-unknown", "x").status_code == 400  # another user name is not locked


def test_the_login_throttle_limits_an_address(api, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "2/minute"})
    user = UserFactory()
    codes = [_login(api, user.username).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert api.post(LOGIN, {}, format="json").json()["code"] == "throttled"


def test_a_token_caller_reads_errors_in_their_own_language(as_user, office, item):
    office.language = "en"
    office.save(update_fields=["language"])
    response = as_user(office).get(f"/api/v1/items/{item.pk + 1000}/")
    assert response.json()["detail"] == "This item does not exist or is not yours to see."
    office.language = "zh-hans"
    office.save(update_fields=["language"])
    assert as_user(office).get(f"/api/v1/items/{item.pk + 1000}/").json()["detail"] != response.json()["detail"]


def test_a_login_that_must_change_its_password_gets_no_token(api, office):
    AccountState.objects.update_or_create(user=office, defaults={"must_change_password": True})
    response = _login(api, "office")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
    assert response.json()["detail"] == "请先在浏览器中修改密码。"  # the office's language
    assert AuthToken.objects.count() == 0


def test_office_staff_of_a_district_asking_a_second_factor_get_no_token(api, office, district):
    DistrictSecurity.objects.create(district=district, office_requires_otp=True)
    response = _login(api, "office")
    assert (response.status_code, response.json()["code"]) == (403, "second_factor_required")
    assert AuthToken.objects.count() == 0
