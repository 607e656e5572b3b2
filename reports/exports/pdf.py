"""PDF of the report's tables, built with fpdf2 and a CJK font embedded as a subset.

Under each of the yearly report's share tables (categories, outcomes, ratings) a bar
chart of the same rows, in the page's colours (`pdf_charts`).

fpdf2 is pure Python and needs no system library, so the file is made offline on the
server; the font comes from Debian's fonts-noto-cjk (`make test` and `make run` install it
with apt-get when it is missing, through `scripts/system-packages`; the Dockerfile installs
it too). `REPORT_PDF_FONT` in settings may point at another TTF/OTF/TTC file. Without a font
`font_file()` raises `MissingFont`, whose translated message says what to install: a PDF
download answers 503 with it and the `annual_report` command stops with it. The other
formats do not need the font.
"""

import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from . import pdf_charts
from .tables import BY_ROW, COUNT, PERCENT, POINTS, Table, cell_text

# fontTools reports every subsetting step at INFO; the export needs none of it.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Noto Sans CJK collections hold JP, KR, SC, TC, HK faces in that order: 2 is Simplified Chinese.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)


# The yearly report's share tables (`tables.annual_tables`), charted as on the report page.
CHARTED_TABLES = ("categories", "outcomes", "ratings")


class MissingFont(ImproperlyConfigured):
    """No CJK font to embed: the server needs fonts-noto-cjk or a REPORT_PDF_FONT that exists."""


@cache
def font_file() -> tuple[str, int]:
    """The font file and face to embed. Only a font found is cached: one installed later is found then."""
    configured = getattr(settings, "REPORT_PDF_FONT", "")
    candidates = ((configured, 0),) if configured else FONT_CANDIDATES
    for path, index in candidates:
        if Path(path).is_file():
            return path, index
    if configured:
        raise MissingFont(
            _(
                "The PDF cannot be made: the font file that REPORT_PDF_FONT names is not there. "
                "The administrator can point REPORT_PDF_FONT at a TTF/OTF/TTC font with Chinese characters, "
                "or install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) and remove the setting."
            )
        )
    raise MissingFont(
        _(
            "The PDF cannot be made: the server has no Chinese (CJK) font. "
            "The administrator can install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) "
            "or set REPORT_PDF_FONT to a TTF/OTF/TTC font file. The other downloads work without it."
        )
    )


class _Document(FPDF):
    def __init__(self, title, orientation):
        super().__init__(orientation=orientation, format="A4")
        path, index = font_file()
        self.add_font("cjk", fname=path, collection_font_number=index)
        self.set_font("cjk", size=9)
        self.set_title(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.report_title = title

    def footer(self):
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 8, _("Page %(page)s") % {"page": self.page_no()}, align="C")


def chart_rows(table: Table) -> list[tuple[str, int, str]]:
    """(label, count, share as written) of a share table: the column before the count names the row."""
    kinds = [column.kind for column in table.columns]
    count, share = kinds.index(COUNT), kinds.index(PERCENT)
    return [(row[count - 1], row[count], cell_text(row[share], PERCENT, table.precision, "—")) for row in table.rows]


def _keep_on_one_page(pdf, table: Table) -> None:
    """A new page rather than a table split over two when its title, rows and chart would fit on one.

    The height is estimated from one line per row: a cell that wraps makes the table taller.
    """
    chart = len(table.rows) * pdf_charts.ROW_HEIGHT + 2 if table.name in CHARTED_TABLES else 0
    height = 7 + (len(table.rows) + 1) * 6 + chart
    if pdf.will_page_break(height) and height <= pdf.page_break_trigger - pdf.t_margin:
        pdf.add_page()


def render_tables(title: str, tables: list[Table], *, subtitle: str = "") -> bytes:
    widest = max((len(t.columns) for t in tables), default=0)
    pdf = _Document(title, "landscape" if widest > 6 else "portrait")
    pdf.add_page()
    pdf.set_font("cjk", size=15)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font("cjk", size=9)
        pdf.multi_cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
    header = FontFace(emphasis="", fill_color=(221, 230, 240))
    for table in tables:
        pdf.ln(4)
        _keep_on_one_page(pdf, table)
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=9)
        numeric = [c.kind in (COUNT, PERCENT, POINTS) or c.kind == BY_ROW for c in table.columns]
        first = 3 if len(table.columns) > 2 else 1
        with pdf.table(
            col_widths=[first] + [1] * (len(table.columns) - 1),
            headings_style=header,
            text_align=["LEFT"] + ["RIGHT" if n else "LEFT" for n in numeric[1:]],
            line_height=6,
        ) as grid:
            heading = grid.row()
            for column in table.columns:
                heading.cell(column.label)
            for r, values in enumerate(table.rows):
                row = grid.row()
                for c, value in enumerate(values):
                    row.cell(cell_text(value, table.kind_of(r, c), table.precision, "—"))
        if table.name in CHARTED_TABLES:
            pdf.ln(2)
            pdf_charts.draw(pdf, chart_rows(table))
    return bytes(pdf.output())
