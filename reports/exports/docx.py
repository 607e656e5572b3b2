"""Word documents: the yearly report's "基本情况" draft and the status bulletin, ready to edit and send."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from . import draft

BODY_FONT = "仿宋"  # the usual face of government documents; Word substitutes it where missing
HEADING_FONT = "黑体"


def _font(run, name, size):
    run.font.name = name
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _document():
    document = Document()
    style = document.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(14)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return document


def _title(document, text):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), HEADING_FONT, 18)


def _heading(document, text):
    _font(document.add_paragraph().add_run(text), HEADING_FONT, 14)


def _body(document, text):
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(28)  # two characters, as in the seeds
    return paragraph


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_draft(report: dict) -> bytes:
    document = _document()
    _title(document, draft.title(report))
    _heading(document, _("I. Basic situation"))
    for heading, paragraphs in draft.sections(report):
        _heading(document, heading)
        for text in paragraphs:
            _body(document, text)
    return _bytes(document)


def _table(document, headers, rows):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = "" if value is None else str(value)


def render_bulletin(bulletin) -> bytes:
    """The status bulletin (情况专报): who is overdue, what was sent back, what is disputed, who is clean."""
    from ..bulletin import bulletin_sections

    document = _document()
    _title(document, bulletin.title)
    for heading, intro, headers, rows in bulletin_sections(bulletin):
        _heading(document, heading)
        _body(document, intro)
        if rows:
            _table(document, headers, rows)
    return _bytes(document)


def render_letter(*, title, addressee, paragraphs, signature) -> bytes:
    """An official letter: centred title, the addressee, body paragraphs, right-aligned signature lines.

    The district's documents to other bodies (a co-handling opinion to the city's lead unit) take this shape.
    """
    document = _document()
    _title(document, title)
    document.add_paragraph(addressee)
    for text in paragraphs:
        _body(document, text)
    for line in signature:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _bytes(document)
