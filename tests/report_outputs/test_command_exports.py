"""`annual_report --format csv|xlsx`: the same files as the page's buttons, from the command line."""

import io
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tests.factories import CategoryFactory


@pytest.fixture
def categories(district):
    return [CategoryFactory(district=district, name=name) for name in ("经济", "综合")]


def run(**options):
    out = io.StringIO()
    call_command(
        "annual_report", district="minhang", year=2026, body="cppcc", stdout=out, stderr=io.StringIO(), **options
    )
    return out.getvalue()


def test_one_csv_table_goes_to_standard_output(categories):
    lines = run(format="csv", table="categories").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["经济", "综合"]


def test_csv_without_a_table_is_a_zip_of_every_table(categories, tmp_path):
    path = tmp_path / "report.zip"
    run(format="csv", output=path)
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) >= 3
        assert all(name.endswith(".csv") for name in archive.namelist())


def test_xlsx_is_written_to_the_output_path(categories, tmp_path):
    path = tmp_path / "report.xlsx"
    run(format="xlsx", output=path)
    assert len(openpyxl.load_workbook(path).worksheets) >= 3


def test_binary_formats_need_an_output_path_and_tables_need_csv(categories):
    with pytest.raises(CommandError, match="--output"):
        run(format="xlsx")
    with pytest.raises(CommandError, match="--table goes with --format csv"):
        run(format="xlsx", table="categories")
    with pytest.raises(CommandError, match="nowhere"):
        run(format="csv", table="nowhere")
