"""Hostile files are refused with a message naming the limit they cross, in bounded memory and time.

The files that once took gigabytes (a row numbered 100,000,000, a cell at column AAAAAAA, a zip
bomb, a part lying about its size) are read in a subprocess limited to 512 MB of address space:
the refusal must come back, not a MemoryError. What the confirm could not store (a cell too long
for its field, a NUL) is refused by the preview already.
"""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from imports.errors import ImportRejected
from imports.service import plan_import
from proposals.models import Item

from .hostile import MAIN, MB, SHEET, declare_size, one_cell_sheet, sheet_xml, xlsx_with_cell, xlsx_with_sheet, zip_bomb
from .sheets import HEADER_EN, csv_bytes, row, xlsx_bytes

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9))
MEMORY = 512 * MB
# Reads the file as the import does, under an address-space limit; prints the refusal, or exits 3 if none came.
READ_BOUNDED = f"""
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))
import django
django.setup()
from django.utils import translation
from imports.errors import ImportRejected
from imports.readers import read_table
translation.activate("en")
started = time.monotonic()
try:
    read_table(sys.argv[2], open(sys.argv[1], "rb").read())
except ImportRejected as exc:
    print("\\n".join(str(e) for e in exc.errors))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{{time.monotonic() - started:.2f}} s, peak {{peak}} MB")
    sys.exit(0)
sys.exit(3)
"""


def read_bounded(path, filename="hostile.xlsx"):
    """The refusal the import gives for the file at `path`, read in a process limited to 512 MB."""
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", READ_BOUNDED, str(path), filename],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert time.monotonic() - started < 60
    return done.stdout


def good(**cells):
    base = {"number": "0001", "title": "关于加强停车管理的提案", "body": "提案", "year": 2017, "lead_units": "区交通委"}
    return row(**{**base, **cells})


def refusals(district, office, name, data):
    """The reasons the preview refuses the file with."""
    with pytest.raises(ImportRejected) as exc:
        plan_import(actor=office, now=NOW, district=district, filename=name, data=data)
    return [str(e) for e in exc.value.errors]


# --- bounded memory: each in a subprocess limited to 512 MB ---------------------------------------


def test_a_row_numbered_100_000_000_is_refused_naming_the_row_limit(tmp_path):
    path = tmp_path / "row.xlsx"
    path.write_bytes(xlsx_with_cell("A100000000"))
    assert path.stat().st_size < 10_000
    out = read_bounded(path)
    assert "file: The sheet reaches row 100000000; at most 50000 rows are read from one file: split it." in out


def test_a_cell_at_column_aaaaaaa_is_refused_naming_the_column_limit(tmp_path):
    path = tmp_path / "column.xlsx"
    path.write_bytes(xlsx_with_cell("AAAAAAA2"))
    out = read_bounded(path)
    assert "file: The sheet has a cell at AAAAAAA2, beyond the 100 columns that are read." in out


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", megabytes=300)
    assert path.stat().st_size < 3 * MB  # 300 MB of sheet in a file the upload limit lets through
    out = read_bounded(path)
    assert f"file: The part {SHEET} of the file unpacks to more than 50 MB, the limit for one part." in out


def test_a_part_lying_about_its_size_is_refused_once_it_holds_more(tmp_path):
    path = declare_size(zip_bomb(tmp_path / "liar.xlsx", megabytes=300), SHEET, 2000)
    out = read_bounded(path)
    assert f"file: The part {SHEET} does not hold the 2000 bytes it declares: the file is damaged or forged." in out


def test_a_declared_sheet_size_beyond_the_limits_is_refused(tmp_path):
    path = tmp_path / "dimension.xlsx"
    path.write_bytes(xlsx_with_sheet(sheet_xml(dimension="A1:XFD1048576")))
    out = read_bounded(path)
    assert "The sheet declares its size as A1:XFD1048576, beyond the limit of 50000 rows and 100 columns." in out


def test_a_sheet_in_strict_open_xml_is_checked_too(district, office):
    strict = one_cell_sheet("A100000000").replace(MAIN.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main")
    assert refusals(district, office, "a.xlsx", xlsx_with_sheet(strict)) == [
        "file: The sheet reaches row 100000000; at most 50000 rows are read from one file: split it."
    ]


# --- the other limits, in process with small settings ---------------------------------------------


def test_parts_unpacking_beyond_the_total_are_refused(district, office, settings):
    settings.IMPORT_MAX_UNZIPPED_BYTES = MB
    data = xlsx_with_cell("B2", "x" * MB)
    assert len(data) < 10_000
    assert refusals(district, office, "a.xlsx", data) == [
        "file: The file unpacks to more than 1 MB in all, the limit for one import."
    ]


@pytest.mark.parametrize(
    ("name", "build"),
    [("a.xlsx", xlsx_bytes), ("a.csv", csv_bytes)],
)
def test_too_many_rows_are_refused_naming_the_limit(district, office, settings, name, build):
    settings.IMPORT_MAX_ROWS = 5
    data = build(HEADER_EN, [good(number=f"{n:04}") for n in range(1, 6)])  # the header and 5 rows: row 6
    assert refusals(district, office, name, data) == [
        "file: The sheet reaches row 6; at most 5 rows are read from one file: split it."
    ]
    settings.IMPORT_MAX_ROWS = 6
    with pytest.raises(ImportRejected, match="1 problem"):  # within the limit, the rows are read (and checked)
        plan_import(actor=office, now=NOW, district=district, filename=name, data=build(HEADER_EN, [good(), good()]))


def test_a_csv_row_wider_than_the_column_limit_is_refused(district, office, settings):
    settings.IMPORT_MAX_COLUMNS = 25
    data = csv_bytes([*HEADER_EN, *(f"extra{n}" for n in range(7))], [good()])
    assert refusals(district, office, "a.csv", data) == [
        "file: The sheet has a cell at Z1, beyond the 25 columns that are read."
    ]


def test_a_csv_cell_past_the_csv_readers_own_bound_is_refused(district, office):
    data = csv_bytes(HEADER_EN, [good()]) + b'"' + b"x" * 200_000
    [message] = refusals(district, office, "a.csv", data)
    assert (
        "Line 3 of the .csv file cannot be read: a cell longer than 10000 characters, or an unclosed quote." in message
    )


# --- what the confirm cannot store, the preview refuses first -------------------------------------


@pytest.mark.parametrize("name", ["a.xlsx", "a.csv"])
def test_a_100_000_character_title_is_refused_by_the_preview(district, office, name):
    # The sheet by hand: openpyxl, like Excel, cuts a cell at 32,767 characters.
    long_title = "长" * 100_000
    data = csv_bytes(HEADER_EN, [good(title=long_title)]) if name == "a.csv" else xlsx_with_cell("B2", long_title)
    assert refusals(district, office, name, data) == [
        "row 2, B: The cell holds 100000 characters; at most 10000 are read."
    ]


def test_a_title_longer_than_its_field_is_refused_by_the_preview(district, office):
    data = xlsx_bytes(HEADER_EN, [good(title="长" * 301, lead_units="单" * 101, number="9" * 31)])
    assert refusals(district, office, "a.xlsx", data) == [
        f"row 2, number: {'9' * 20}… is 31 characters long; at most 30 fit.",
        f"row 2, title: {'长' * 20}… is 301 characters long; at most 300 fit.",
        f"row 2, lead_units: {'单' * 20}… is 101 characters long; at most 100 fit.",
    ]
    assert not Item.objects.exists()


@pytest.mark.parametrize(("char", "code"), [("\x00", "U+0000"), ("\x1b", "U+001B")])
def test_a_control_character_is_refused_by_the_preview(district, office, char, code):
    data = csv_bytes(HEADER_EN, [good(title=f"关于{char}停车")])
    assert refusals(district, office, "a.csv", data) == [
        f"row 2, title: The cell holds a control character ({code}) that cannot be stored; remove it."
    ]


def test_line_breaks_and_tabs_in_a_cell_are_kept(district, office):
    plan = plan_import(
        actor=office,
        now=NOW,
        district=district,
        filename="a.xlsx",
        data=xlsx_bytes(HEADER_EN, [good(title="关于\n停车\t管理")]),
    )
    assert plan.rows[0].title == "关于\n停车\t管理"


# --- look-alike numbers are one number ------------------------------------------------------------


def test_a_full_width_number_collides_with_the_item_it_looks_like(district, office):
    Item.objects.create(district=district, year=2017, body="cppcc", kind="proposal", number="0001", title="已有")
    data = xlsx_bytes(HEADER_EN, [good(number="０００１")])
    assert refusals(district, office, "a.xlsx", data) == [
        "row 2, number: Number 0001 of 2017 already exists in the district."
    ]


def test_full_width_and_ascii_numbers_in_one_file_collide(district, office):
    data = xlsx_bytes(HEADER_EN, [good(number="0001"), good(number="０００１")])
    assert refusals(district, office, "a.xlsx", data) == ["row 3, number: Number 0001 is already used in row 2."]


def test_a_full_width_number_is_stored_as_ascii(district, office):
    plan = plan_import(
        actor=office,
        now=NOW,
        district=district,
        filename="a.xlsx",
        data=xlsx_bytes(HEADER_EN, [good(number="Ａ－０１２")]),
    )
    assert plan.rows[0].number == "A-012"


def test_an_xls_file_stays_refused(district, office):
    [message] = refusals(district, office, "a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert "save it as .xlsx" in message


# --- the import page shows the refusal ------------------------------------------------------------


def test_the_import_page_shows_the_limit_the_file_crossed(client, district, office):
    office.language = "en"
    office.save(update_fields=["language"])
    client.force_login(office)
    hostile = xlsx_with_cell("A100000000")
    response = client.post(
        reverse("imports:import"), {"district": district.pk, "file": SimpleUploadedFile("hostile.xlsx", hostile)}
    )
    assert response.status_code == 400
    assert (
        "The sheet reaches row 100000000; at most 50000 rows are read from one file: split it."
        in response.content.decode()
    )
    assert not Item.objects.exists()
