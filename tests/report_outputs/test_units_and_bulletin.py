"""Per-unit statistics and the status bulletin on a district with late, returned, disputed and on-time work."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import translation
from docx import Document

from proposals.models import Item
from reports import exports
from reports.annual import annual_report
from reports.bulletin import bulletin_sections, status_bulletin
from reports.exports import docx as docx_export
from reports.units import replies_by_month, unit_statistics, units_table
from tests.factories import ItemFactory, ProposerFactory, UnitFactory
from workflow.models import Assignment

from .conftest import AS_OF, assign, at, busy_units, feedback, obligation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _rows(district):
    stats = unit_statistics(district=district, year=2026, body="cppcc", as_of=AS_OF)
    return stats, {str(r.unit): r for r in stats.rows}


def test_units_come_in_official_order_with_zero_rows_kept(district, unit_work):
    stats, _rows_by_name = _rows(district)
    assert [str(r.unit) for r in stats.rows] == ["经委", "科委", "教育局"]


def test_unit_rows_count_led_co_and_returned_items(district, unit_work):
    _stats, rows = _rows(district)
    assert (rows["经委"].led, rows["经委"].co, rows["经委"].returned) == (1, 0, 1)
    assert (rows["科委"].led, rows["科委"].co, rows["科委"].returned) == (1, 1, 0)
    assert (rows["教育局"].led, rows["教育局"].co, rows["教育局"].returned) == (1, 0, 0)


def test_unit_rows_read_timeliness_from_the_frozen_flags(district, unit_work):
    _stats, rows = _rows(district)
    jingwei, kewei, education = rows["经委"], rows["科委"], rows["教育局"]
    assert (jingwei.accepted_on_time, jingwei.consulted_on_time, jingwei.replies_on_time, jingwei.replies_late) == (
        1,
        1,
        0,
        1,
    )
    assert (kewei.accepted_on_time, kewei.accepted_late, kewei.opinions_on_time) == (0, 1, 1)
    assert (education.accepted_on_time, education.replies_on_time, education.replies_late) == (1, 1, 0)


def test_unit_rows_count_what_is_overdue_now_with_the_longest_delay_in_working_days(district, unit_work):
    _stats, rows = _rows(district)
    # Due Saturday 20 June 2026, read on 30 June: 22–26, 29 and 30 June.
    assert (rows["科委"].overdue_now, rows["科委"].longest_delay) == (1, 7)
    assert (rows["经委"].overdue_now, rows["经委"].longest_delay) == (0, None)


def test_unit_rows_hold_outcomes_ratings_disagreements_praise_and_contact_changes(district, unit_work):
    _stats, rows = _rows(district)
    assert rows["经委"].outcomes == {"A": 1} and rows["教育局"].outcomes == {"C": 1}
    assert rows["经委"].ratings == {"good": 1, "fair": 0, "average": 0, "poor": 0}
    assert rows["教育局"].ratings["average"] == 1
    assert (rows["教育局"].disagreements, rows["经委"].disagreements) == (1, 0)
    assert (rows["经委"].praised, rows["教育局"].praised) == (1, 0)
    assert (rows["经委"].contact_changes, rows["科委"].contact_changes) == (1, 0)


def test_unit_ratings_take_one_rating_per_item_as_the_yearly_report(district, unit_work, proposer):
    # 0003's member disagreed: a re-handling round opens, and the round-1 rating still counts until a new one.
    Item.objects.filter(number="0003").update(round=2)
    # 0001 has two proposers who rate differently: the later rating counts, once.
    first = Item.objects.get(number="0001")
    feedback(first, ProposerFactory(district=district), "fair", on=dt.date(2026, 6, 12))
    # A rating given after the report's date does not count yet.
    feedback(first, proposer, "poor", on=dt.date(2026, 7, 2), round=2)

    _stats, rows = _rows(district)
    assert rows["经委"].ratings == {"good": 0, "fair": 1, "average": 0, "poor": 0}
    assert rows["教育局"].ratings == {"good": 0, "fair": 0, "average": 1, "poor": 0}
    report = annual_report(district=district, year=2026, body="cppcc", as_of=AS_OF)
    by_unit = {code: sum(r.ratings[code] for r in _stats.rows) for code in ("good", "fair", "average", "poor")}
    assert by_unit == {r["code"]: r["count"] for r in report["ratings"]}


def test_unit_table_exports_as_numbers(district, unit_work):
    table = units_table(unit_statistics(district=district, year=2026, body="cppcc", as_of=AS_OF))
    sheet = openpyxl.load_workbook(io.BytesIO(exports.render_tables("units", [table], "xlsx"))).active
    header = [c.value for c in sheet[1]]
    kewei = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "科委")
    assert kewei[header.index("Overdue on the report date")] == 1
    assert kewei[header.index("Longest delay (working days)")] == 7
    assert "A 解决或采纳" in header and "较好" in header
    csv_text = exports.render_tables("units", [table], "csv").decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("经委,1,0,1,0,1,1,0")


@pytest.mark.parametrize("count", [3, 10])
def test_unit_statistics_take_the_same_queries_for_3_or_10_units(district, count, django_assert_num_queries):
    busy_units(district, count)
    # body setting, scheme categories, rating values, units, then one aggregate each over
    # assignments, obligations, current replies, feedback and contact changes.
    with django_assert_num_queries(9):
        stats = unit_statistics(district=district, year=2026, body="cppcc", as_of=AS_OF)
    assert sum(r.overdue_now for r in stats.rows) == count
    assert sum(r.contact_changes for r in stats.rows) == count


def test_replies_by_month_counts_first_replies_from_january(district, unit_work):
    months = dict(replies_by_month(district=district, year=2026, body="cppcc"))
    assert len(months) == 12 and months["2026-05"] == 2 and months["2026-01"] == 0


def _bulletin(district):
    return status_bulletin(district=district, body="cppcc", start=dt.date(2026, 4, 1), end=AS_OF)


def test_bulletin_names_open_and_late_work_by_unit_with_working_days_overdue(district, unit_work):
    bulletin = _bulletin(district)
    entries = [(str(e.unit), e.item.number, e.kind, e.done_on, e.days) for e in bulletin.overdue]
    assert entries == [
        ("经委", "0001", "reply", dt.date(2026, 5, 15), 5),  # due Sunday 10 May, done Friday 15 May
        ("科委", "0002", "reply", None, 7),  # due Saturday 20 June, open on 30 June: not 10 calendar days
    ]
    assert [str(u) for u, _entries in bulletin.overdue_units] == ["经委", "科委"]


def test_bulletin_leaves_out_lateness_before_the_period(district, unit_work):
    assert all(e.kind != "acceptance" for e in _bulletin(district).overdue)


def test_bulletin_lists_replies_the_office_sent_back_with_the_reason(district, unit_work):
    sent_back = _bulletin(district).sent_back
    assert [(str(s.unit), s.item.number, s.reason) for s in sent_back] == [("教育局", "0003", "答复类型不当")]


def test_bulletin_lists_disagreements_and_units_with_nothing_overdue(district, unit_work):
    bulletin = _bulletin(district)
    assert [(d.item.number, [str(u) for u in d.units], d.comment) for d in bulletin.disagreements] == [
        ("0003", ["教育局"], "未解决实际问题")
    ]
    assert [str(u) for u in bulletin.clean_units] == ["教育局"]


def test_bulletin_units_with_nothing_overdue_had_work_in_the_period(district, unit_work):
    registered = {"district": district, "review": Item.Review.REGISTERED, "state": Item.State.HANDLING}
    # 民政局 returned its only item during the period, on time.
    returned = UnitFactory(district=district, name="区民政局", short_name="民政局")
    item = ItemFactory(number="0004", **registered)
    a = assign(
        item, returned, state=Assignment.State.RETURNED, returned_at=at(dt.date(2026, 4, 2)), return_reason="无关"
    )
    obligation(item, a, "acceptance", dt.date(2026, 4, 3), done_on=dt.date(2026, 4, 2), on_time=True)
    # 财政局 finished all its work before the period.
    done = UnitFactory(district=district, name="区财政局", short_name="财政局")
    item = ItemFactory(number="0005", **registered)
    a = assign(item, done)
    obligation(item, a, "acceptance", dt.date(2026, 2, 8), done_on=dt.date(2026, 2, 3), on_time=True)
    obligation(item, a, "reply", dt.date(2026, 5, 10), done_on=dt.date(2026, 3, 20), on_time=True)
    # 卫健委 has an assignment but nothing owed in the period.
    assign(
        ItemFactory(number="0006", **registered), UnitFactory(district=district, name="区卫健委", short_name="卫健委")
    )

    bulletin = _bulletin(district)
    assert [str(u) for u in bulletin.clean_units] == ["教育局"]
    assert bulletin_sections(bulletin)[3][1] == "教育局"


def test_a_bulletin_of_an_earlier_period_is_the_same_after_later_work(district, unit_work):
    before = _bulletin(district)
    from workflow.models import Obligation

    Obligation.objects.filter(due_on=dt.date(2026, 6, 20)).update(
        fulfilled_at=dt.datetime(2026, 7, 5, tzinfo=dt.UTC), on_time=False
    )
    after = _bulletin(district)
    assert [(e.item.number, e.days, e.done_on) for e in after.overdue] == [
        (e.item.number, e.days, e.done_on) for e in before.overdue
    ]


@pytest.mark.parametrize("count", [3, 10])
def test_bulletin_takes_the_same_queries_for_3_or_10_units(district, count, django_assert_num_queries):
    busy_units(district, count)
    # obligations, office send-back events, disagreements, their lead units, units with nothing overdue.
    with django_assert_num_queries(5):
        bulletin = _bulletin(district)
    assert len(bulletin.overdue) == 2 * count  # the open reply and the late co-unit opinion of each


def test_bulletin_word_document_has_every_part(district, unit_work):
    document = Document(io.BytesIO(docx_export.render_bulletin(_bulletin(district))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Status bulletin" in text and "2 units had work past its deadline" in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "答复类型不当" in cells and "未解决实际问题" in cells and "7" in cells
    assert "Working days overdue" in cells
    assert "教育局" in text  # the unit with nothing overdue
    assert len(bulletin_sections(_bulletin(district))) == 4
