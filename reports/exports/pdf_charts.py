"""Bar charts of the yearly report's share tables in the PDF, drawn with fpdf2's own rectangles and text.

The page draws the shares with Chart.js; the PDF draws the same rows as horizontal bars
under each table, in the page's colours (row i takes PALETTE[i] on both), with the count
and share written after the bars. Vector shapes need no image library on the server and
stay sharp in print. `layout` computes the geometry from the figures alone, so it is
tested without a PDF; `draw` puts it on the page.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reports.charts import PALETTE

TRACK = "#eef1f5"  # the whole of the items behind each bar, so a zero row still shows as an empty bar
ELLIPSIS = "…"

FONT_SIZE = 8  # pt
ROW_HEIGHT = 6  # mm, the tables' line height
BAR_HEIGHT = 4
GAP = 2
LABEL_SHARE = 0.35  # the labels take at most this part of the width; longer ones are shortened


@dataclass(frozen=True)
class Bar:
    label: str  # the row's label, shortened with … when it is wider than the label column
    caption: str  # the count and share: "88 (42%)"
    length: float  # mm: the row's count over the chart's total, times the track
    colour: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    label_width: float  # mm, labels right-aligned against the bars
    track: float  # mm that the total of the counts fills
    height: float


def fit(text: str, width: float, measure: Callable[[str], float]) -> str:
    """`text` as it is if it fits `width`, else cut and ended with … so that it does."""
    if measure(text) <= width:
        return text
    while text and measure(text + ELLIPSIS) > width:
        text = text[:-1]
    return text + ELLIPSIS


def layout(rows: Sequence[tuple[str, int, str]], *, width: float, measure: Callable[[str], float]) -> Chart | None:
    """The chart of `rows` (label, count, share as written) across `width` mm; None when the counts add up to 0.

    `measure` gives the width in mm of a cell holding a text in the chart's font, padding included.
    """
    total = sum(count for _label, count, _share in rows)
    if not total:
        return None
    captions = [f"{count} ({share})" for _label, count, share in rows]
    label_width = min(max(measure(label) for label, _count, _share in rows), width * LABEL_SHARE)
    track = width - label_width - max(measure(caption) for caption in captions) - 2 * GAP
    bars = [
        Bar(
            label=fit(label, label_width, measure),
            caption=caption,
            length=track * count / total,
            colour=PALETTE[i % len(PALETTE)],
        )
        for i, ((label, count, _share), caption) in enumerate(zip(rows, captions, strict=True))
    ]
    return Chart(bars=bars, label_width=label_width, track=track, height=len(bars) * ROW_HEIGHT)


def _row(pdf, chart: Chart, bar: Bar) -> None:
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_xy(x, y)
    pdf.cell(chart.label_width, ROW_HEIGHT, bar.label, align="R")
    start, top = x + chart.label_width + GAP, y + (ROW_HEIGHT - BAR_HEIGHT) / 2
    pdf.set_fill_color(TRACK)
    pdf.rect(start, top, chart.track, BAR_HEIGHT, style="F")
    if bar.length:
        pdf.set_fill_color(bar.colour)
        pdf.rect(start, top, bar.length, BAR_HEIGHT, style="F")
    pdf.set_xy(start + chart.track + GAP, y)
    pdf.cell(text=bar.caption, h=ROW_HEIGHT)


def draw(pdf, rows: Sequence[tuple[str, int, str]]) -> None:
    """The chart of `rows` at the current position, across the page's width; nothing when the counts are all 0."""
    with pdf.local_context(font_size_pt=FONT_SIZE):
        chart = layout(rows, width=pdf.epw, measure=lambda text: pdf.get_string_width(text) + 2 * pdf.c_margin)
    if chart is None:
        return
    if pdf.will_page_break(chart.height) and chart.height <= pdf.page_break_trigger - pdf.t_margin:
        pdf.add_page()  # keep the chart on one page when it fits on one
    for bar in chart.bars:
        if pdf.will_page_break(ROW_HEIGHT):
            pdf.add_page()
        with pdf.local_context(font_size_pt=FONT_SIZE):  # not across a page break: its q/Q must pair on one page
            _row(pdf, chart, bar)
        pdf.set_xy(pdf.l_margin, pdf.get_y() + ROW_HEIGHT)
