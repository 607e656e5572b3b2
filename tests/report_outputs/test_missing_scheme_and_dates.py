"""A district without a scheme for the body, and a bulletin period far out of range, are told apart from a crash."""

import pytest
from django.urls import reverse

from workflow.models import BodySetting

pytestmark = pytest.mark.django_db

QUERY = {"district": "minhang", "year": 2026, "body": "cppcc"}
NO_SCHEME = "This district has no outcome scheme for this body yet."


@pytest.fixture
def office_client(client, office, settings):
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def no_scheme(district):
    BodySetting.objects.filter(district=district).delete()


@pytest.mark.parametrize("page", ["reports:units", "reports:annual"])
def test_pages_say_the_district_has_no_scheme(office_client, no_scheme, page):
    response = office_client.get(reverse(page), QUERY)
    assert response.status_code == 200
    assert NO_SCHEME in response.content.decode()


@pytest.mark.parametrize("name,fmt", [("reports:annual_export", "xlsx"), ("reports:units_export", "csv")])
def test_downloads_answer_404_saying_the_district_has_no_scheme(office_client, no_scheme, name, fmt):
    response = office_client.get(reverse(name, args=[fmt]), QUERY)
    assert response.status_code == 404
    assert response.content.decode() == NO_SCHEME


@pytest.mark.parametrize("start,end", [("2026-01-01", "9999-12-31"), ("0001-01-01", "2026-01-31")])
def test_a_bulletin_date_out_of_range_is_a_form_error(office_client, start, end):
    query = {"district": "minhang", "body": "cppcc", "start": start, "end": end}
    response = office_client.get(reverse("reports:bulletin"), query)
    assert response.status_code == 200
    assert "Choose a date from 1980-01-01 to 2100-12-31." in response.content.decode()
    assert "bulletin" not in response.context
    assert office_client.get(reverse("reports:bulletin_export"), query).status_code == 404
