"""The printable A4 poster of a deputy's 码上约 code (fpdf2 and the CJK font of the report's PDF, as the case files).

The QR code is drawn by segno at a size a phone reads from a wall (a 120 mm square, medium error
correction), with the link printed under it for those who type it.
"""

import io

import segno
from django.utils.translation import gettext as _
from fpdf import FPDF

from reports.exports.pdf import font_file

QR_MM = 120
PAGE_MM = 210


def poster_pdf(*, deputy, link) -> bytes:
    path, index = font_file()
    pdf = FPDF(orientation="portrait", format="A4")
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_title(_("Write to %(name)s") % {"name": deputy.name})
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_font("cjk", size=30)
    pdf.set_y(22)
    pdf.cell(0, 14, _("Write to your deputy"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=24)
    pdf.ln(6)
    pdf.cell(0, 12, deputy.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=14)
    lines = [deputy.get_body_display(), deputy.district.name]
    if deputy.constituency:
        lines.append(_("Constituency: %(place)s") % {"place": deputy.constituency})
    pdf.cell(0, 8, " · ".join(lines), align="C", new_x="LMARGIN", new_y="NEXT")
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=10, border=4)
    image.seek(0)
    pdf.image(image, x=(PAGE_MM - QR_MM) / 2, y=pdf.get_y() + 10, w=QR_MM, h=QR_MM)
    pdf.set_y(pdf.get_y() + QR_MM + 16)
    pdf.set_font("cjk", size=13)
    pdf.multi_cell(
        0,
        7,
        _(
            "Scan the code with your phone and leave a message. No login is needed; "
            "you receive a private link to read the answer."
        ),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 6, link, align="C")
    return bytes(pdf.output())
