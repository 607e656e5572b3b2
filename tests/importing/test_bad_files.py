"""Every kind of bad file is refused whole, with every problem listed and the database unchanged."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from districts.models import District, HandlingUnit
from imports.errors import ImportRejected
from imports.service import run_import
from proposals.models import Category, Item
from workflow.models import Assignment, Event, Reply

from .sheets import HEADER_EN, HEADER_ZH, csv_bytes, row, xlsx_bytes

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9))


def good(**cells):
    base = {
        "number": "001",
        "title": "关于加强停车管理的提案",
        "body": "提案",
        "year": 2017,
        "proposers": "张委员",
        "lead_units": "区交通委",
        "replied_on": "2017-05-02",
        "outcome": "A",
        "closed": "是",
        "rating": "好",
    }
    return row(**{**base, **cells})


def errors_of(district, name, data):
    with pytest.raises(ImportRejected) as exc:
        run_import(actor=None, now=NOW, district=district, filename=name, data=data)
    return [(e.row, e.column, e.message) for e in exc.value.errors]


def assert_unchanged(district):
    assert not Item.objects.filter(district=district).exists()
    assert not HandlingUnit.objects.filter(district=district, name="区交通委").exists()
    assert not Category.objects.filter(district=district).exists()
    assert not Assignment.objects.exists() and not Reply.objects.exists() and not Event.objects.exists()


def test_an_old_xls_file_is_refused_with_advice(district):
    [(row_, _c, message)] = errors_of(district, "提案.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert row_ is None and "save it as .xlsx" in message


def test_a_csv_in_an_unknown_encoding_is_refused(district):
    data = csv_bytes(HEADER_ZH, [good()], encoding="utf-16")
    [(_r, _c, message)] = errors_of(district, "a.csv", data)
    assert "UTF-8" in message and "GB18030" in message
    assert_unchanged(district)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gb18030_is_read(district, encoding):
    run_import(actor=None, now=NOW, district=district, filename="a.csv", data=csv_bytes(HEADER_ZH, [good()], encoding))
    item = Item.objects.get(district=district)
    assert (item.title, item.state, item.is_imported) == ("关于加强停车管理的提案", "closed", True)


def test_a_missing_required_header_is_named(district):
    header = [h for h in HEADER_ZH if h != "标题"]
    data = xlsx_bytes(header, [[c for h, c in zip(HEADER_ZH, good(), strict=True) if h != "标题"]])
    assert errors_of(district, "a.xlsx", data) == [(1, "标题 / title", "A required column is missing.")]


def test_a_half_bad_file_lists_every_bad_row_and_changes_nothing(district):
    Item.objects.create(district=district, year=2017, body="cppcc", kind="proposal", number="009", title="已有")
    rows = [
        good(number="001"),
        good(number="002", body="人民"),  # unknown body
        good(number="003", replied_on="2017-13-01"),  # bad date
        good(number="004", outcome="Z"),  # not an outcome of the CPPCC scheme
        good(number="005", rating="满意"),  # a value of the NPC scale, not the CPPCC one
        good(number="001"),  # duplicate within the file
        good(number="007", title=None),  # missing title
        good(number="008", kind="提议"),  # unknown kind
        good(number="009"),  # already in the database
        good(number="010", outcome="1"),  # NPC code on a proposal
        good(number="011"),
    ]
    errors = errors_of(district, "a.xlsx", xlsx_bytes(HEADER_ZH, rows))
    assert [(r, c) for r, c, _m in errors] == [
        (3, "类型"),
        (4, "答复日期"),
        (5, "办理结果"),
        (6, "评价"),
        (7, "案号"),
        (8, "标题"),
        (9, "件别"),
        (10, "案号"),
        (11, "办理结果"),
    ]
    messages = {(r, c): m for r, c, m in errors}
    assert "row 2" in messages[(7, "案号")]
    assert "already exists" in messages[(10, "案号")]
    assert Item.objects.filter(district=district).count() == 1
    assert not Assignment.objects.exists() and not Event.objects.exists()


def test_english_headers_and_a_bad_year(district):
    errors = errors_of(district, "a.csv", csv_bytes(HEADER_EN, [good(year="17")]))
    assert errors == [(2, "year", "The year must be four digits, such as 2017, not '17'.")]


def test_a_kind_of_the_other_body_is_refused(district):
    [(r, c, _m)] = errors_of(district, "a.csv", csv_bytes(HEADER_ZH, [good(kind="代表建议")]))
    assert (r, c) == (2, "件别")


def test_a_live_row_needs_a_lead_unit_and_no_outcome(district):
    errors = errors_of(
        district, "a.csv", csv_bytes(HEADER_ZH, [good(replied_on=None, lead_units=None, rating=None, closed=None)])
    )
    assert [(r, c) for r, c, _m in errors] == [(2, "办理结果"), (2, "主办单位")]


def test_a_unit_both_lead_and_co_is_named_on_its_row_for_past_rows_too(district):
    errors = errors_of(
        district, "a.xlsx", xlsx_bytes(HEADER_EN, [good(number="001"), good(number="002", co_units="区交通委")])
    )
    assert errors == [(3, "co_units", "A unit cannot be both lead and co-handling unit.")]
    assert not Item.objects.exists()


def test_dates_after_today_are_refused(district):
    live = good(number="001", replied_on=None, outcome=None, closed=None, rating=None, assigned_on="2026-12-01")
    past = good(number="002", replied_on="2026-03-03")
    errors = errors_of(district, "a.xlsx", xlsx_bytes(HEADER_EN, [live, past]))
    assert errors == [
        (2, "assigned_on", "2026-12-01 is in the future: only what has happened can be recorded."),
        (3, "replied_on", "2026-03-03 is in the future: only what has happened can be recorded."),
    ]


def test_importing_the_same_file_twice_is_refused(district):
    data = xlsx_bytes(HEADER_ZH, [good(number="001"), good(number="002")])
    run_import(actor=None, now=NOW, district=district, filename="a.xlsx", data=data)
    errors = errors_of(district, "a.xlsx", data)
    assert [(r, c) for r, c, _m in errors] == [(2, "案号"), (3, "案号")]
    assert Item.objects.filter(district=district).count() == 2


def test_the_command_refuses_an_unknown_district_without_a_name(db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(HEADER_ZH, [good()]))
    with pytest.raises(CommandError, match="--district-name"):
        call_command("import_items", str(path), "--district", "fengxian")
    assert not District.objects.filter(code="fengxian").exists()


def test_the_command_creates_a_named_district_with_the_default_schemes(db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(HEADER_ZH, [good(), good(number="002", body="建议", outcome="已经解决", rating="满意")]))
    call_command("import_items", str(path), "--district", "fengxian", "--district-name", "奉贤区")
    district = District.objects.get(code="fengxian")
    assert {s.body: s.scheme.code for s in district.body_settings.all()} == {"npc": "npc", "cppcc": "cppcc"}
    assert Item.objects.filter(district=district).count() == 2


def test_a_rejected_file_does_not_create_the_named_district(db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(HEADER_ZH, [good(outcome="Z")]))
    with pytest.raises(CommandError):
        call_command("import_items", str(path), "--district", "fengxian", "--district-name", "奉贤区")
    assert not District.objects.filter(code="fengxian").exists()


def test_an_unsupported_file_type_is_refused(district):
    [(_r, _c, message)] = errors_of(district, "a.pdf", b"%PDF-1.4")
    assert ".xlsx or .csv" in message


def test_a_row_with_an_unreadable_cell_still_reports_its_other_problems(district):
    rows = [
        good(number="001"),
        # A bad reply date beside an unknown outcome and rating: all three at once.
        good(number="002", replied_on="2017-13-01", outcome="Z", rating="很好"),
        # A bad year cannot be checked for duplicates, but its unknown outcome can still be named.
        good(number="003", year="二〇一七", outcome="Z"),
        # A bad assignment date beside a number already used in row 2.
        good(number="001", assigned_on="x"),
    ]
    errors = errors_of(district, "a.xlsx", xlsx_bytes(HEADER_ZH, rows))
    assert [(r, c) for r, c, _m in errors] == [
        (3, "答复日期"),
        (3, "办理结果"),
        (3, "评价"),
        (4, "年度"),
        (4, "办理结果"),
        (5, "交办日期"),
        (5, "案号"),
    ]
    assert_unchanged(district)


def test_an_unreadable_reply_date_or_body_adds_no_guessed_errors(district):
    # Whether the row is past or live, and which scheme it uses, is unknown: only the bad cell is named.
    rows = [good(number="001", replied_on="2017-02-30"), good(number="002", body="人民", outcome="已经解决")]
    errors = errors_of(district, "a.xlsx", xlsx_bytes(HEADER_ZH, rows))
    assert [(r, c) for r, c, _m in errors] == [(2, "答复日期"), (3, "类型")]


def test_a_live_row_naming_a_unit_as_lead_and_co_is_told_once(district):
    live = good(replied_on=None, outcome=None, closed=None, rating=None, co_units="区交通委")
    errors = errors_of(district, "a.xlsx", xlsx_bytes(HEADER_EN, [live]))
    assert errors == [(2, "co_units", "A unit cannot be both lead and co-handling unit.")]


def test_a_title_and_notes_above_the_header_are_skipped(district):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2017年区政协提案办理情况汇总表"])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(["填报单位：区府办", None, None, "填报日期：2017-12-05"])
    sheet.append(HEADER_ZH)
    sheet.append(good(number="001"))
    sheet.append(good(number="002", outcome="Z"))
    data = io.BytesIO()
    workbook.save(data)
    # Row numbers are the spreadsheet's: the header is row 4, the bad row 6.
    assert errors_of(district, "a.xlsx", data.getvalue()) == [
        (6, "办理结果", "'Z' is not an outcome of this body's scheme."),
    ]
    sheet.delete_rows(6)
    data = io.BytesIO()
    workbook.save(data)
    run_import(actor=None, now=NOW, district=district, filename="a.xlsx", data=data.getvalue())
    assert Item.objects.get(district=district).number == "001"


def test_a_header_below_a_title_is_found_even_when_it_lacks_a_required_column(district):
    data = csv_bytes(["2017年汇总表"], [[], ["序号", *HEADER_ZH[:2]], good()])
    errors = errors_of(district, "a.csv", data)
    assert [(r, c) for r, c, _m in errors] == [(3, "类型 / body"), (3, "年度 / year")]


def test_without_any_header_the_first_row_is_told_what_it_lacks(district):
    data = csv_bytes(["2017年汇总表"], [["001", "关于加强停车管理的提案"]])
    errors = errors_of(district, "a.csv", data)
    assert [(r, c) for r, c, _m in errors] == [(1, "案号 / number"), (1, "标题 / title"), (1, "类型 / body"),
                                               (1, "年度 / year")]  # fmt: skip


def test_rows_whose_number_cannot_be_keyed_are_not_called_duplicates(district):
    # Both years are unreadable: whether the numbers clash is unknown, so only the cells are named.
    rows = [good(number="001", year="17"), good(number="001", year="一七")]
    errors = errors_of(district, "a.xlsx", xlsx_bytes(HEADER_ZH, rows))
    assert [(r, c) for r, c, _m in errors] == [(2, "年度"), (3, "年度")]


def test_a_live_row_with_an_unreadable_kind_is_not_told_what_its_kind_would_need(district):
    # Without its kind the row might be a city item the district co-handles, which has no lead unit.
    live = good(kind="提议", replied_on=None, outcome=None, closed=None, rating=None, lead_units=None)
    errors = errors_of(district, "a.xlsx", xlsx_bytes(HEADER_ZH, [live]))
    assert [(r, c) for r, c, _m in errors] == [(2, "件别")]
