"""Every API error is {"code", "detail", "field"} with the browser's statuses, in the caller's language."""

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]


@pytest.fixture
def api(client):
    client.force_login(UserFactory())
    return client


@pytest.mark.parametrize(
    ("url", "status", "code", "detail", "field"),
    [
        ("/wrong-state/", 400, "reply_sent", "The reply was already sent.", "reply"),
        ("/not-allowed/", 403, "not_allowed", "Only the unit head may approve.", None),
        ("/conflict/", 409, "conflict", "Someone accepted it first.", None),
    ],
)
def test_a_workflow_refusal_keeps_its_status_code_and_reason(api, url, status, code, detail, field):
    response = api.get(url)
    assert response.status_code == status
    assert response.json() == {"code": code, "detail": detail, "field": field}


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/not-found/", "This item does not exist or is not yours to see."),  # the service's one sentence
        ("/http404/", "Not found."),  # Django's message may name the model: never shown
    ],
)
def test_outside_the_scope_is_a_404_that_names_nothing(api, url, detail, settings):
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api.get(url)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": detail, "field": None}


def test_bad_input_names_the_field_and_keeps_every_error(api, settings):
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api.post("/params/", {"year": "1900"}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "min_value"
    assert body["field"] == "year"
    assert body["detail"] == "Ensure this value is greater than or equal to 1980."
    assert set(body["errors"]) == {"year", "body"}


def test_errors_are_in_chinese_unless_the_caller_chose_english(client):
    response = client.get("/wrong-state/")  # not logged in: 401, asking for a token
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"code": "not_authenticated", "detail": "身份认证信息未提供。", "field": None}
