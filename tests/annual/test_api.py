"""GET /api/v1/reports/annual/: the same JSON as the command, for office staff, leaders and admins of the district."""

import pytest
from django.core.management import call_command

from tests.importing.minhang import rows_2016, rows_2017
from tests.importing.sheets import HEADER_ZH, xlsx_bytes

URL = "/api/v1/reports/annual/"
PARAMS = {"district": "minhang", "year": "2017", "body": "cppcc", "precision": "0"}


@pytest.fixture
def minhang(district, tmp_path):
    for name, rows in (("2016.xlsx", rows_2016()), ("2017.xlsx", rows_2017())):
        path = tmp_path / name
        path.write_bytes(xlsx_bytes(HEADER_ZH, rows))
        call_command("import_items", str(path), "--district", "minhang", stdout=None)
    return district


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, {**PARAMS, **params})


def test_office_staff_get_the_minhang_figures(client, minhang, office):
    response = get(client, office)
    assert response.status_code == 200
    r = response.json()
    assert [c["percent"] for c in r["by_category"]] == [17, 42, 15, 26]
    assert [o["percent"] for o in r["by_outcome"]] == [81, 7, 12]
    assert (r["resolution_rate"], r["completion_rate"]) == (81, 96)
    assert [x["percent"] for x in r["ratings"]] == [85, 13, 2, 0]
    assert (r["total"], r["units_involved"], r["praised"], r["praised_change"]) == (210, 53, 51, 12)
    assert (r["key_items"], r["key_items_closed"]) == (10, 9)


def test_precision_one_gives_json_numbers(client, leader, minhang):
    r = get(client, leader, precision="1").json()
    assert r["completion_rate"] == 95.7
    assert isinstance(r["by_category"][0]["percent"], float)


def test_a_city_admin_may_read_any_district(client, minhang, city_admin):
    assert get(client, city_admin).status_code == 200


def test_office_staff_of_another_district_get_404(client, minhang, outsider):
    assert get(client, outsider).status_code == 404


def test_an_unknown_district_is_404_too(client, district, office):
    assert get(client, office, district="nowhere").status_code == 404


@pytest.mark.parametrize("user", ["handler", "proposer_user"])
def test_unit_and_proposer_users_get_403(client, district, user, request):
    assert get(client, request.getfixturevalue(user)).status_code == 403


def test_anonymous_users_are_refused(client, district):
    assert client.get(URL, PARAMS).status_code in (401, 403)


@pytest.mark.parametrize(
    ("param", "value"),
    [("year", "17x"), ("body", "both"), ("precision", "2"), ("as_of", "2017-02-30"), ("kind", "proposal")],
)
def test_bad_parameters_are_400_naming_the_parameter(client, district, office, param, value):
    params = {param: value}
    if param == "kind":
        params["body"] = "npc"
    response = get(client, office, **params)
    assert response.status_code == 400
    assert response.json()["field"] == param  # the one error shape of the API (api.errors)


def test_a_missing_parameter_is_named(client, district, office):
    client.force_login(office)
    response = client.get(URL, {"district": "minhang", "body": "cppcc"})
    assert response.status_code == 400
    assert response.json()["field"] == "year"


def test_an_empty_year_has_null_rates(client, district, office):
    r = get(client, office, year="2030").json()
    assert r["total"] == 0 and r["resolution_rate"] is None and r["previous_year"] is None
