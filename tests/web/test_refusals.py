"""A refusal no form caught answers with its own status and the reason, in the site's page, never a 500."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls")]


@pytest.fixture
def reader(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    return client


def test_outside_the_scope_is_a_404_that_names_nothing(reader):
    response = reader.get("/not-found/")
    assert response.status_code == 404
    assert "Item 42" not in response.content.decode()
    assert "页面不存在" in response.content.decode()


def test_a_wrong_role_is_a_403_with_the_services_reason(reader):
    response = reader.get("/not-allowed/")
    assert response.status_code == 403
    assert "Only the unit head may approve." in response.content.decode()


def test_a_wrong_state_is_a_400_with_the_reason(reader):
    response = reader.get("/wrong-state/")
    assert response.status_code == 400
    assert "The reply was already sent." in response.content.decode()


def test_someone_acting_first_is_a_409_that_says_so(reader, settings):
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = reader.get("/conflict/")
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else acted first" in page
    assert "Someone accepted it first." in page


def test_djangos_permission_denied_shows_its_reason_too(reader):
    response = reader.get("/denied/")
    assert response.status_code == 403
    assert "No reports for you." in response.content.decode()
