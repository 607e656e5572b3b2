"""The yearly report's files: each export opened and read back, with the Minhang 2017 figures."""

import csv
import io
import re
import zipfile

import openpyxl
import pypdf
import pytest
from django.utils import translation
from docx import Document

from reports import exports
from reports.exports import draft


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _sheet(workbook, title):
    return {row[0].value: row for row in workbook[title].iter_rows(min_row=2)}


def test_xlsx_has_one_sheet_per_table_with_numbers_and_percent_formats(minhang_report):
    workbook = openpyxl.load_workbook(io.BytesIO(exports.render(minhang_report, "xlsx")))

    assert workbook.sheetnames == [
        "Headline figures",
        "Items by category",
        "Replies by outcome",
        "Ratings of the replies",
    ]
    categories = _sheet(workbook, "Items by category")
    count, share = categories["城市建设和管理"][1], categories["城市建设和管理"][2]
    assert (count.value, share.value, share.number_format) == (88, 0.42, "0%")
    assert [row[1].value for row in categories.values()] == [37, 88, 31, 54]
    outcomes = _sheet(workbook, "Replies by outcome")
    assert [(row[2].value, row[3].value) for row in outcomes.values()] == [(170, 0.81), (15, 0.07), (25, 0.12)]
    ratings = _sheet(workbook, "Ratings of the replies")
    assert ratings["差"][1].value == 0 and ratings["差"][2].value == 0
    summary = _sheet(workbook, "Headline figures")
    resolution = summary["Resolution rate"]
    assert (resolution[1].value, resolution[1].number_format, resolution[2].value, resolution[3].value) == (
        0.81,
        "0%",
        0.78,
        3,
    )
    assert summary["Items registered"][1].value == 210 and summary["Units involved"][1].value == 53
    assert summary["Items praised"][3].value == 12
    for sheet in workbook:
        assert sheet.freeze_panes == "A2"


def test_xlsx_keeps_one_decimal_in_the_format_at_precision_1(minhang_report):
    minhang_report.update(precision=1, resolution_rate=80.9)
    sheet = openpyxl.load_workbook(io.BytesIO(exports.render(minhang_report, "xlsx")))["Headline figures"]
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "Resolution rate")
    assert (cell.value, cell.number_format) == (0.809, "0.0%")


def test_xlsx_columns_are_wide_enough_for_chinese_labels(minhang_report):
    sheet = openpyxl.load_workbook(io.BytesIO(exports.render(minhang_report, "xlsx")))["Items by category"]
    assert sheet.column_dimensions["A"].width >= len("城市建设和管理") * 2


def _csv_rows(data: bytes):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_of_one_table_is_utf8_with_bom(minhang_report):
    rows = _csv_rows(exports.render(minhang_report, "csv", table="categories"))
    assert rows == [
        ["Category", "Items", "Share"],
        ["经济", "37", "17%"],
        ["城市建设和管理", "88", "42%"],
        ["教科文卫体", "31", "15%"],
        ["综合", "54", "26%"],
    ]


def test_csv_of_the_whole_report_is_a_zip_of_one_file_per_table(minhang_report):
    archive = zipfile.ZipFile(io.BytesIO(exports.render(minhang_report, "csv")))
    assert archive.namelist() == ["summary.csv", "categories.csv", "outcomes.csv", "ratings.csv"]
    outcomes = _csv_rows(archive.read("outcomes.csv"))
    assert outcomes[1] == ["A", "解决或采纳", "170", "81%"]
    assert exports.filename(minhang_report, "csv") == "minhang-2017-cppcc.zip"
    assert exports.filename(minhang_report, "csv", table="outcomes") == "minhang-2017-cppcc-outcomes.csv"


def test_csv_refuses_an_unknown_table(minhang_report):
    with pytest.raises(exports.UnknownFormat, match="categories"):
        exports.render(minhang_report, "csv", table="nope")


def test_an_unknown_format_is_refused_with_the_choices(minhang_report):
    with pytest.raises(exports.UnknownFormat, match="xlsx, docx, pdf, csv"):
        exports.render(minhang_report, "odt")


def test_pdf_embeds_a_cjk_font_and_has_the_chinese_figures(minhang_report):
    data = exports.render(minhang_report, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))
    # Under the title, the date the figures are as of: a printed copy says when it was taken.
    assert "Asof2017-12-05:210itemsregistered." in text  # the fixture has only the contract's fields
    for expected in ("城市建设和管理8842%", "解决或采纳17081%", "好16685%", "Resolutionrate81%78%+3"):
        assert expected in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts.values()]
    assert any("/FontFile3" in d or "/FontFile2" in d for d in descriptors)


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_docx_draft_has_this_years_figures_in_its_sentences(minhang_report):
    text = _docx_text(exports.render(minhang_report, "docx"))
    assert "received 210 proposals (the same as last year), involving 53 handling units" in text
    assert "城市建设和管理: 88 items, 42%" in text
    assert "解决或采纳 170 items, 81%; 列入计划拟解决 15 items, 7%; 留作参考 25 items, 12%" in text
    assert "201 of the 210 proposals are closed, a completion rate of 96%" in text
    assert "rated 195 replies: “好” 166, 85%; “较好” 26, 13%; “一般” 3, 2%." in text
    assert "No reply was rated “差”." in text
    assert "Of the 10 key items led by district leaders, 9 are closed." in text


def test_docx_draft_says_whether_a_figure_rose_fell_or_stayed(minhang_report):
    text = _docx_text(exports.render(minhang_report, "docx"))
    assert "The resolution rate is 81%, up 3 percentage points from 78% last year." in text
    assert "a completion rate of 96%, the same as last year." in text
    assert "a disclosure rate of 1%, down 1 percentage point from 2% last year." in text
    assert "51 proposals were praised by the members, 12 more than the 39 of last year." in text


def test_docx_draft_says_when_there_is_no_previous_year(minhang_report):
    minhang_report.update(previous_year=None, resolution_rate_change=None, praised_change=None)
    minhang_report["disclosure_rate_change"] = None
    text = _docx_text(exports.render(minhang_report, "docx"))
    assert "The resolution rate is 81%, no figure from last year to compare with." in text
    assert "51 proposals were praised by the members, no figure from last year to compare with." in text
    assert "percentage point" not in text


def test_draft_counts_that_fell_and_rates_at_one_decimal(minhang_report):
    minhang_report.update(precision=1, resolution_rate=82.3, resolution_rate_change=4.2, praised_change=-5)
    minhang_report["previous_year"].update(resolution_rate=78.1, praised=56)
    text = " ".join(p for _heading, paragraphs in draft.sections(minhang_report) for p in paragraphs)
    assert "The resolution rate is 82.3%, up 4.2 percentage points from 78.1% last year." in text
    assert "51 proposals were praised by the members, 5 fewer than the 56 of last year." in text


def test_draft_names_suggestions_and_deputies_for_the_npc(minhang_report):
    minhang_report["body"] = "npc"
    text = _docx_text(exports.render(minhang_report, "docx"))
    assert "received 210 suggestions" in text and "the deputies have rated" in text


def test_draft_counts_the_items_not_yet_answered(minhang_report):
    minhang_report.update(replied=200, not_replied=10)
    text = _docx_text(exports.render(minhang_report, "docx"))
    assert "200 of the 210 proposals have been answered; 10 are still awaiting a reply." in text


def test_docx_in_chinese_keeps_the_figures_and_the_chinese_date(minhang_report):
    with translation.override("zh-hans"):
        text = _docx_text(exports.render(minhang_report, "docx"))
    assert "2017年12月5日" in text
    assert "210" in text and "53" in text and "城市建设和管理" in text and "96%" in text
