"""The yearly rollup behind the report page: which path answers, kept by the services and imports, rebuilt on demand."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from imports.service import run_import
from reports import annual, exports, rollup
from reports.models import FactCount, ItemFacts, RolledUpYear
from tests.factories import ItemFactory
from tests.importing.sheets import HEADER_EN, csv_bytes, row
from workflow.services import intake

from .builders import at, handled_item, rating

D = dt.date
NOW = at(D(2026, 3, 2))
pytestmark = pytest.mark.django_db


def both(district, **kw):
    """The page's report (and where its figures came from) and the report from the tables, for 2017 CPPCC."""
    kw = {"year": 2017, "body": "cppcc", "precision": 0, **kw}
    shown, sources = rollup.annual_report(district=district, **kw)
    return shown, sources, annual.annual_report(district=district, **kw)


@pytest.fixture
def year_2017(district):
    """A handled 2017 (everything done within the year) and a 2016 to compare with, rolled up."""
    handled_item(district, replies=[("A", D(2017, 5, 1))], closed_on=D(2017, 7, 1), rating_code="good", praised=True)
    handled_item(district, replies=[("B", D(2017, 5, 2))], rating_code="fair")
    handled_item(district, leads=2, replies=[("A", D(2017, 5, 1)), None], is_key=True)
    handled_item(district, year=2016, replies=[("C", D(2016, 6, 1))], closed_on=D(2016, 8, 1))
    rollup.rebuild()


@pytest.fixture
def office_client(client, office, settings):
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_page_answers_a_past_year_from_the_rollup_when_nothing_changed_after_it(office_client, district, year_2017):
    response = office_client.get(reverse("reports:annual"), {"district": "minhang", "year": 2017, "body": "cppcc"})
    assert response.status_code == 200
    assert response.context["report_sources"] == {(district.pk, 2017): "rollup", (district.pk, 2016): "rollup"}
    assert response.context["report"] == annual.annual_report(district=district, year=2017, body="cppcc")
    assert (response.context["report"]["total"], response.context["report"]["replied"]) == (3, 2)


def test_the_page_and_its_exports_give_the_same_figures_as_the_tables(office_client, district, year_2017):
    query = {"district": "minhang", "year": 2017, "body": "cppcc"}
    csv = office_client.get(reverse("reports:annual_export", args=["csv"]), query)
    assert csv.status_code == 200
    from django.utils import translation

    with translation.override("en"):
        expected = exports.render(annual.annual_report(district=district, year=2017, body="cppcc"), "csv")
    assert unzipped(csv.content) == unzipped(expected)  # a zip of CSV tables; the zip's own times differ


def unzipped(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_past_year_whose_items_changed_after_its_end_is_answered_from_the_tables(district, year_2017):
    # A reply sent in January 2018 to a 2017 item: the rollup's facts "now" count it, as of 31 Dec 2017 it isn't.
    handled_item(district, replies=[("A", D(2018, 1, 10))])
    rollup.rebuild()
    shown, sources, checked = both(district)
    assert sources[district.pk, 2017] == "tables"
    assert sources[district.pk, 2016] == "rollup"
    assert shown == checked
    assert (shown["total"], shown["replied"]) == (4, 2)


def test_a_date_chosen_before_the_latest_change_is_answered_from_the_tables(district, year_2017):
    shown, sources, checked = both(district, as_of=D(2017, 5, 1))
    assert sources == {(district.pk, 2017): "tables", (district.pk, 2016): "tables"}
    assert shown == checked
    assert shown["replied"] == 1  # as of 1 May only the reply sent that day


def test_a_district_year_not_rolled_up_is_answered_from_the_tables(district):
    handled_item(district, replies=[("A", D(2017, 5, 1))])  # written to the tables directly, no event
    shown, sources, checked = both(district)
    assert sources[district.pk, 2017] == "tables"
    assert shown == checked and shown["total"] == 1


def test_a_service_moves_the_item_between_counts_in_its_own_transaction(district, office, proposer):
    with transaction.atomic():
        item = intake.receive_item(
            actor=office,
            now=NOW,
            district=district,
            year=2026,
            body="cppcc",
            kind="proposal",
            number="1",
            title="关于停车的提案",
            lead_proposer=proposer,
        )
        first, sources, _checked = both(district, year=2026, as_of=D(2026, 3, 2))
        assert sources[district.pk, 2026] == "rollup"
        assert (first["received"], first["total"]) == (1, 0)
        intake.register_item(actor=office, now=NOW, item=item)
        second, sources, checked = both(district, year=2026, as_of=D(2026, 3, 2))
        assert sources[district.pk, 2026] == "rollup"
        assert second == checked
        assert (second["received"], second["total"]) == (1, 1)
        transaction.set_rollback(True)
    assert not FactCount.objects.exists() and not ItemFacts.objects.exists()


def test_today_is_answered_from_the_rollup_but_not_the_same_day_last_year(district, office, proposer):
    intake.receive_item(
        actor=office,
        now=NOW,
        district=district,
        year=2026,
        body="cppcc",
        kind="proposal",
        number="1",
        title="关于停车的提案",
        lead_proposer=proposer,
    )
    _shown, sources, _checked = both(district, year=2026, as_of=D(2026, 3, 2))
    assert sources[district.pk, 2026] == "rollup"
    assert sources[district.pk, 2025] == "tables"  # nothing of 2025 rolled up: the tables answer (zero items)


def test_an_import_of_past_and_live_rows_enters_the_rollup(district, unit):
    data = csv_bytes(
        HEADER_EN,
        [
            row(number="1", title="甲", body="提案", year=2026, proposers="张委员", lead_units="区经委",
                assigned_on="2026-02-01", replied_on="2026-02-20", outcome="A", closed="是", rating="好",
                disclosed="是", praised="是"),
            row(number="2", title="乙", body="提案", year=2026, proposers="张委员", lead_units="区经委",
                assigned_on="2026-02-01", key_item="是"),
        ],
    )  # fmt: skip
    run_import(actor=None, now=NOW, district=district, filename="a.csv", data=data)
    shown, sources, checked = both(district, year=2026, as_of=D(2026, 3, 2))
    assert sources[district.pk, 2026] == "rollup"
    assert shown == checked
    assert (shown["total"], shown["replied"], shown["closed"], shown["praised"], shown["key_items"]) == (2, 1, 1, 1, 1)
    assert shown["ratings"][0]["count"] == 1


def test_a_count_found_wrong_rebuilds_its_year(district, office, proposer):
    item = intake.receive_item(
        actor=office,
        now=NOW,
        district=district,
        year=2026,
        body="cppcc",
        kind="proposal",
        number="1",
        title="关于停车的提案",
        lead_proposer=proposer,
    )
    FactCount.objects.all().delete()  # as if edited outside the services
    intake.register_item(actor=office, now=NOW, item=item)
    shown, sources, checked = both(district, year=2026, as_of=D(2026, 3, 2))
    assert sources[district.pk, 2026] == "rollup" and shown == checked and shown["total"] == 1


def test_the_rebuild_command_builds_the_rollup_from_the_tables(district):
    handled_item(district, replies=[("A", D(2017, 5, 1))])
    handled_item(district, replies=[("A", D(2017, 5, 1))], rating_code="good")
    ItemFactory(district=district, year=2017, review="rejected", rejection_reason="不属于政府职责", state="rejected")
    out = io.StringIO()
    call_command("rebuild_report_rollup", stdout=out)
    assert out.getvalue().startswith("Rolled up 3 items into 3 combinations over 1 district-years")
    assert RolledUpYear.objects.get(district=district, year=2017, body="cppcc").latest_at == at(D(2017, 5, 1))
    shown, sources, checked = both(district)
    assert sources[district.pk, 2017] == "rollup" and shown == checked
    assert (shown["received"], shown["total"], shown["rated"]) == (3, 2, 1)


def test_the_rollup_report_costs_the_same_queries_for_3_items_or_30(district, django_assert_num_queries):
    for n in range(30):
        handled_item(district, replies=[("A", D(2017, 5, 1))], rating_code="good" if n % 2 else None)
    rollup.rebuild()
    # The scheme settings, outcome categories, rating values and categories (4); each year's
    # rolled-up district-years and counts (2 × 2); the units (1) and the obligations (2).
    with django_assert_num_queries(11):
        shown, sources = rollup.annual_report(district=district, year=2017, body="cppcc")
    assert shown["total"] == 30 and sources[district.pk, 2017] == "rollup"


def test_a_rating_scale_value_is_counted_by_its_order_like_the_tables(district):
    handled_item(district, replies=[("A", D(2017, 5, 1))], rating_code="poor")
    rollup.rebuild()
    shown, _sources, checked = both(district)
    assert shown == checked
    assert [r["count"] for r in shown["ratings"]] == [0, 0, 0, 1]
    assert rating(district, "poor").sort_order == 4
