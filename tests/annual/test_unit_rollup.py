"""The per-unit rollup behind the reports page's unit figures: which path answers, the same figures and queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import Item
from reports import rollup, units
from reports.models import UnitFactCount, UnitFacts
from tests.factories import ItemFactory, ProposerFactory
from tests.report_outputs import conftest as outputs
from tests.report_outputs.conftest import AS_OF, assign, feedback, obligation, sent_reply
from workflow.models import Assignment
from workflow.services import intake

pytestmark = pytest.mark.django_db
D = dt.date
unit_work = outputs.unit_work  # the report outputs' three units at work in 2026, built in the tables


def both(district, **kw):
    """The unit figures the page shows (and where they came from) and the same from the tables, 2026 CPPCC."""
    kw = {"year": 2026, "body": "cppcc", "as_of": AS_OF, **kw}
    return units.unit_statistics(district=district, **kw), units.unit_statistics_from_tables(district=district, **kw)


def test_the_rollup_gives_every_unit_figure_the_tables_give(district, unit_work):
    rollup.rebuild()
    shown, checked = both(district)
    assert (shown.source, checked.source) == ("rollup", "tables")
    assert shown.rows == checked.rows
    rows = {str(r.unit): r for r in shown.rows}
    assert [str(r.unit) for r in shown.rows] == ["经委", "科委", "教育局"]
    assert (rows["经委"].led, rows["经委"].returned, rows["经委"].replies_late, rows["经委"].praised) == (1, 1, 1, 1)
    assert (rows["科委"].co, rows["科委"].accepted_late, rows["科委"].opinions_on_time) == (1, 1, 1)
    assert (rows["科委"].overdue_now, rows["科委"].longest_delay) == (1, 7)  # read from the open obligation
    assert rows["教育局"].outcomes == {"C": 1} and rows["教育局"].disagreements == 1
    assert rows["经委"].ratings == {"good": 1, "fair": 0, "average": 0, "poor": 0}
    assert rows["经委"].contact_changes == 1
    assert units.units_table(shown).rows == units.units_table(checked).rows


def test_the_months_of_first_replies_come_from_the_rollup(district, unit_work):
    rollup.rebuild()
    shown, source = units._replies_by_month(district=district, year=2026, body="cppcc")
    checked, _tables = units._replies_by_month(district=district, year=2026, body="cppcc", tables=True)
    assert (source, shown) == ("rollup", checked)
    assert dict(shown)["2026-05"] == 2 and len(shown) == 12
    with timezone.override("UTC"):  # months asked in another time zone: the tables answer
        assert units._replies_by_month(district=district, year=2026, body="cppcc")[1] == "tables"


def test_a_report_date_before_a_later_change_is_answered_from_the_tables(district, unit_work):
    rollup.rebuild()
    # The feedback was given on 10 June: as of 1 June it isn't, and the rollup's facts "now" count it.
    shown, checked = both(district, as_of=D(2026, 6, 1))
    assert shown.source == "tables"
    assert shown.rows == checked.rows
    assert {str(r.unit): r.praised for r in shown.rows}["经委"] == 0


def test_a_district_year_not_rolled_up_is_answered_from_the_tables(district, unit_work):
    shown, checked = both(district)
    assert shown.source == "tables" and shown.rows == checked.rows
    assert units._replies_by_month(district=district, year=2026, body="cppcc")[1] == "tables"


def test_a_service_keeps_the_unit_counts_in_its_own_transaction(district, unit_work, office):
    rollup.rebuild()
    item = ItemFactory(district=district, number="0004", review=Item.Review.PENDING, state=Item.State.RECEIVED)
    assign(item, unit_work["教育局"])  # written to the tables directly: the rollup doesn't know yet
    intake.register_item(actor=office, now=timezone.now(), item=item)  # the service's event refreshes the item
    shown, checked = both(district, as_of=timezone.localdate())
    assert shown.source == "rollup" and shown.rows == checked.rows
    assert {str(r.unit): r.led for r in shown.rows}["教育局"] == 2


def test_the_stored_counts_are_the_sums_of_the_items_facts(district, unit_work):
    rollup.rebuild()
    assert UnitFacts.objects.filter(measure="led").count() == 3
    assert UnitFactCount.objects.get(unit=unit_work["经委"].pk, measure="returned").n == 1
    assert UnitFactCount.objects.get(unit=-1, measure="month", value=202605).n == 2


def _led_items(district, lead, co, n, proposer):
    for i in range(n):
        item = ItemFactory(district=district, review=Item.Review.REGISTERED, state=Item.State.HANDLING)
        a = assign(item, lead)
        assign(item, co, role=Assignment.Role.CO)
        obligation(item, a, "acceptance", D(2026, 2, 8), done_on=D(2026, 2, 3), on_time=bool(i % 2))
        obligation(item, a, "reply", D(2026, 6, 1) if i % 3 else D(2026, 12, 1))
        sent_reply(a, "AB"[i % 2], D(2026, 5, 1 + i % 20))
        feedback(item, proposer, "fair", agrees=bool(i % 2), on=D(2026, 5, 25))


@pytest.fixture
def office_client(client, office, settings):
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_unit_figures_and_the_page_cost_the_same_queries_for_3_items_or_30(
    district, unit, other_unit, office_client, django_assert_num_queries
):
    proposer = ProposerFactory(district=district)
    query = {"district": district.code, "year": 2026, "body": "cppcc"}
    page_queries = []
    for n in (3, 27):
        _led_items(district, unit, other_unit, n, proposer)
        rollup.rebuild()
        # The body's setting with whether its year is rolled up and its latest time, the outcome
        # categories, the rating values (3); the counts, the units listed, their open obligations
        # overdue on the report date (3); the contact changes (1).
        with django_assert_num_queries(7):
            stats = units.unit_statistics(district=district, year=2026, body="cppcc", as_of=AS_OF)
        # Whether the year is rolled up, its months' counts.
        with django_assert_num_queries(2):
            units.replies_by_month(district=district, year=2026, body="cppcc")
        assert stats.source == "rollup"
        assert (
            stats.rows
            == units.unit_statistics_from_tables(district=district, year=2026, body="cppcc", as_of=AS_OF).rows
        )
        with CaptureQueriesContext(connection) as page:
            response = office_client.get(reverse("reports:annual"), query)
        assert response.status_code == 200
        page_queries.append(len(page))
    assert {str(r.unit): r.led for r in stats.rows}[str(unit)] == 30
    assert page_queries[0] == page_queries[1]
