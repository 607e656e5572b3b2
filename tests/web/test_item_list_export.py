"""The item list exported to Excel: every row its filters match (not only a page), the page's columns plus the due
date and the working days overdue, the header in the reader's language, text never a formula, a cap."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.factories import ProposerFactory
from tests.web.test_item_list_batch import login, make_items, shown
from tests.workflow.conftest import NOW
from tests.workflow.flow import receive
from web.items import export, listing

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(days=20)  # the acceptances (5 working days) of the assigned items are overdue by then


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(LATER, tick=False) as traveller:
        yield traveller


@pytest.fixture
def data(district, office, proposer, unit):
    return make_items(district, office, proposer, unit)


def sheet(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == export.CONTENT_TYPE
    ws = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in ws.iter_rows()]


def values(rows):
    return [[cell.value for cell in row] for row in rows]


def test_the_export_holds_exactly_the_rows_of_the_list_with_two_filters_combined(client, office, data):
    items, _sessions, categories, _proposers = data
    login(client, office)
    query = {"year": "2026", "category": categories[1].pk, "proposer": "李"}
    listed = shown(client.get(reverse("items:list"), query))
    rows = values(sheet(client.get(reverse("items:export"), query)))
    assert {row[0] for row in rows[1:]} == {item.number for item in items if item.pk in listed} == {"0002", "0004"}


def test_the_export_has_every_matching_row_not_only_the_page(client, office, district, proposer, unit, monkeypatch):
    make_items(district, office, proposer, unit, count=7)
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    login(client, office)
    assert len(shown(client.get(reverse("items:list")))) == 2
    rows = values(sheet(client.get(reverse("items:export"))))
    assert sorted(row[0] for row in rows[1:]) == [f"{n:04d}" for n in range(1, 8)]


def test_the_columns_are_the_pages_plus_due_date_and_days_overdue_with_the_header_in_english(client, office, data):
    rows = values(sheet(login(client, office).get(reverse("items:export"), {"stage": "handling", "sort": "number"})))
    assert rows[0] == [
        "Number", "Year", "Kind", "Session", "Title", "Key item", "Lead proposer", "Lead units", "Category",
        "Stage", "Last change", "Waits for", "Waiting on", "Due date", "Working days overdue",
    ]  # fmt: skip
    first = dict(zip(rows[0], next(row for row in rows if row[0] == "0001"), strict=True))
    assert first["Title"] == "提案1" and first["Session"] == "六届一次" and first["Category"] == "经济"
    assert first["Lead proposer"] == "张委员" and first["Lead units"] == "区经委"
    assert first["Year"] == 2026 and first["Stage"] == "Being handled"
    assert isinstance(first["Due date"], dt.datetime)  # a real date, Excel sorts and filters it
    assert first["Working days overdue"] > 0  # the acceptance was due 5 working days after 2 March


def test_the_header_follows_the_readers_language(client, office, data):
    client.force_login(office)  # the product's default language, Chinese
    rows = values(sheet(client.get(reverse("items:export"))))
    assert rows[0][0] == "案号"  # as the list's own column heading
    with translation.override(settings.LANGUAGE_CODE):
        assert rows[0] == [str(label) for label, _width in export._columns()]
    assert len(rows) == 5


def test_a_title_that_looks_like_a_formula_stays_text(client, office, district, proposer):
    item = receive(office, proposer, now=NOW, number="=1+1", title='=HYPERLINK("http://evil.example","点击")')
    rows = sheet(login(client, office).get(reverse("items:export")))
    row = next(row for row in rows if row[0].value == "=1+1")
    title = row[4]
    assert title.value == item.title and title.data_type == "s"
    assert row[0].data_type == "s"


def test_the_filename_names_the_district_and_year(client, office, data):
    response = login(client, office).get(reverse("items:export"), {"year": "2026"})
    assert response["Content-Disposition"] == 'attachment; filename="items-minhang-2026.xlsx"'


def test_each_reader_exports_only_what_they_see(client, handler, outsider, other_district, data):
    receive(outsider, ProposerFactory(district=other_district), now=NOW, number="9001", title="外区提案")
    rows = values(sheet(login(client, handler).get(reverse("items:export"))))
    assert sorted(row[0] for row in rows[1:]) == ["0001", "0002"]  # the unit's items, not the other district's


def test_a_list_longer_than_the_cap_is_refused_saying_so(client, office, data, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 3)
    response = login(client, office).get(reverse("items:export"))
    assert response.status_code == 400
    assert "This list holds 4 items; an export holds at most 3." in response.text


def test_bad_filters_are_refused_saying_so(client, office, data):
    response = login(client, office).get(reverse("items:export"), {"stage": "nonsense"})
    assert response.status_code == 400
    assert "Some filters are not valid" in response.text


def test_an_empty_list_exports_the_header_only(client, office, data):
    rows = values(sheet(login(client, office).get(reverse("items:export"), {"q": "不存在的标题"})))
    assert len(rows) == 1


def test_the_export_asks_for_a_login(client, data):
    response = client.get(reverse("items:export"))
    assert response.status_code == 302 and "login" in response.url


def test_the_export_costs_the_same_queries_for_3_items_or_60(client, office, district, proposer, unit):
    def run():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("items:export"), {"year": "2026", "proposer": "委员"})
        return sheet(response), [re.sub(r"\d+", "N", q["sql"])[:60] for q in queries.captured_queries]

    make_items(district, office, proposer, unit, count=3)
    login(client, office)
    run()  # the calendar (days overdue) is loaded into memory once per process, by whichever request needs it first
    rows_3, queries_3 = run()
    for n in range(57):
        receive(office, proposer, now=NOW, number=f"1{n:03d}", title=f"又一件{n}")
    rows_60, queries_60 = run()
    assert (len(rows_3), len(rows_60)) == (4, 61)
    # The session; the user with their roles; the year, session and category choices; the rows, the first of
    # which says how many match.
    assert len(queries_60) == len(queries_3) <= 5, queries_60
    assert queries_60 == queries_3
