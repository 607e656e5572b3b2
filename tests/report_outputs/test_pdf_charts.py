"""The bar charts under the yearly report's share tables in the PDF, with the Minhang 2017 figures."""

import io
import re
import unicodedata

import pypdf
import pytest
from django.utils import translation
from pypdf.generic import ContentStream

from reports import exports
from reports.annual import annual_report
from reports.charts import PALETTE
from reports.exports.pdf_charts import GAP, LABEL_SHARE, TRACK, layout
from reports.exports.tables import COUNT, PERCENT, Column, Table
from tests.factories import CategoryFactory

LONG_NAME = "关于加快推进城乡一体化发展和社会治理创新以及基层公共服务体系建设的若干问题"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def measure(text: str) -> float:
    """A cell's width in mm at 8 pt, near enough: a Chinese character 2.8, anything else 1.6, plus padding."""
    return sum(2.8 if unicodedata.east_asian_width(ch) in "WF" else 1.6 for ch in text) + 2


def _rows(report, key):
    return [(row["label"], row["count"], f"{row['percent']}%") for row in report[key]]


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))


def _rgb(hex_colour: str) -> tuple[float, ...]:
    return tuple(round(int(hex_colour[i : i + 2], 16) / 255, 3) for i in (1, 3, 5))


def _filled_rectangles(data: bytes) -> list[tuple[tuple[float, ...], float, float, float]]:
    """(fill colour, x, width, page width) of every filled rectangle, in drawing order, on every page."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found = []
    for page in reader.pages:
        colour, rectangle = None, None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"rg":
                colour = tuple(round(float(v), 3) for v in operands)
            elif operator == b"re":
                rectangle = [float(v) for v in operands]
            elif operator == b"f" and rectangle:
                found.append((colour, rectangle[0], rectangle[2], float(page.mediabox.width)))
    return found


def _bars(data: bytes) -> list[float]:
    """The widths of the coloured bars (the page's palette), in drawing order."""
    palette = {_rgb(c) for c in PALETTE}
    return [width for colour, _x, width, _page in _filled_rectangles(data) if colour in palette]


def test_the_pdf_writes_each_share_row_twice_in_the_table_and_beside_its_bar(minhang_report):
    text = _text(exports.render(minhang_report, "pdf"))

    for table_row, chart_row in (
        ("城市建设和管理8842%", "城市建设和管理88(42%)"),
        ("经济3717%", "经济37(17%)"),
        ("解决或采纳17081%", "解决或采纳170(81%)"),
        ("留作参考2512%", "留作参考25(12%)"),
        ("好16685%", "好166(85%)"),
        ("差00%", "差0(0%)"),
    ):
        assert table_row in text and chart_row in text


def test_bars_are_drawn_in_proportion_to_the_counts_in_the_pages_colours(minhang_report):
    rectangles = _filled_rectangles(exports.render(minhang_report, "pdf"))
    palette = [_rgb(c) for c in PALETTE]
    bars = [(colour, width) for colour, _x, width, _page in rectangles if colour in palette]
    tracks = [width for colour, _x, width, _page in rectangles if colour == _rgb(TRACK)]

    # categories 37, 88, 31, 54; outcomes 170, 15, 25; ratings 166, 26, 3 and 差 0 with no bar
    assert [colour for colour, _width in bars] == palette[:4] + palette[:3] + palette[:3]
    categories, outcomes, ratings = [w for _c, w in bars[:4]], [w for _c, w in bars[4:7]], [w for _c, w in bars[7:]]
    assert categories == pytest.approx([tracks[0] * n / 210 for n in (37, 88, 31, 54)], abs=0.02)
    assert outcomes == pytest.approx([tracks[4] * n / 210 for n in (170, 15, 25)], abs=0.02)
    assert ratings == pytest.approx([tracks[7] * n / 195 for n in (166, 26, 3)], abs=0.02)
    assert len(tracks) == 4 + 3 + 4  # every row has its track, the 差 row an empty one


def test_layout_gives_bar_lengths_in_proportion_to_the_counts(minhang_report):
    chart = layout(_rows(minhang_report, "by_category"), width=180, measure=measure)

    assert [bar.label for bar in chart.bars] == ["经济", "城市建设和管理", "教科文卫体", "综合"]
    assert [bar.caption for bar in chart.bars] == ["37 (17%)", "88 (42%)", "31 (15%)", "54 (26%)"]
    assert [bar.length / chart.track for bar in chart.bars] == pytest.approx([37 / 210, 88 / 210, 31 / 210, 54 / 210])
    assert sum(bar.length for bar in chart.bars) == pytest.approx(chart.track)
    assert [bar.colour for bar in chart.bars] == list(PALETTE[:4])


def test_a_zero_row_is_an_empty_bar_and_colours_go_round_after_the_palette():
    rows = [(f"类别{n}", n % 3, "—") for n in range(len(PALETTE) + 2)]

    chart = layout(rows, width=180, measure=measure)

    assert chart.bars[0].length == 0 and chart.bars[0].caption == "0 (—)"
    assert [bar.colour for bar in chart.bars[-2:]] == list(PALETTE[:2])


@pytest.mark.parametrize("rows", [[], [("经济", 0, "—"), ("综合", 0, "—")]])
def test_no_items_give_no_chart(rows):
    assert layout(rows, width=180, measure=measure) is None


def test_a_very_long_category_name_is_shortened_to_fit_and_the_chart_stays_inside_the_width(minhang_report):
    rows = [*_rows(minhang_report, "by_category"), (LONG_NAME, 12, "5%")]

    chart = layout(rows, width=180, measure=measure)

    long_bar = chart.bars[-1]
    assert long_bar.label.endswith("…") and LONG_NAME.startswith(long_bar.label[:-1])
    assert measure(long_bar.label) <= chart.label_width <= 180 * LABEL_SHARE
    widest_caption = max(measure(bar.caption) for bar in chart.bars)
    assert chart.label_width + GAP + chart.track + GAP + widest_caption <= 180 + 1e-9
    assert chart.track > 90  # the bars keep most of the width


def test_the_pdf_with_a_long_category_name_keeps_the_chart_within_the_margins(minhang_report):
    minhang_report["by_category"].append({"code": "5", "label": LONG_NAME, "count": 0, "percent": 0})

    data = exports.render(minhang_report, "pdf")

    text = _text(data)
    assert LONG_NAME in text  # the table wraps the whole name
    assert re.search(r"关于加快推进\w+…0\(0%\)", text)  # the chart shortens it
    margin = 10 * 72 / 25.4  # fpdf2's default margin, in points
    for _colour, x, width, page_width in _filled_rectangles(data):
        assert margin - 0.01 <= x and x + width <= page_width - margin + 0.01


def test_a_year_without_items_renders_its_tables_without_bars(district):
    for name in ("经济", "综合"):
        CategoryFactory(district=district, name=name)
    report = annual_report(district=district, year=2026, body="cppcc")
    assert report["total"] == 0

    data = exports.render(report, "pdf")

    assert "经济0—" in _text(data)
    assert _bars(data) == []
    assert not [r for r in _filled_rectangles(data) if r[0] == _rgb(TRACK)]


def test_other_tables_get_no_chart():
    table = Table(
        name="units",
        title="Figures by unit",
        columns=[Column("Unit"), Column("Items", COUNT), Column("Share", PERCENT)],
        rows=[("区经委", 3, 60), ("区科委", 2, 40)],
        precision=0,
    )

    assert _bars(exports.render_tables("Units", [table], "pdf")) == []
