"""Documents that run something when opened are refused, saying what; plain ones still go through.

Office macros and ActiveX (Office Open XML parts and content types, a legacy compound file's VBA
storage) and a PDF's JavaScript, launch actions, files inside, rich media and XFA forms, written
plainly, with #hex escapes, or compressed in an object stream. The files are built here so that
each test shows what makes one hostile.
"""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from fpdf import FPDF

from casefiles.pdf import render
from proposals.attachments import validate_upload

from .test_attachments import docx_file, png, xlsx_file, zip_of

DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def refusal(name, content):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile(name, content))
    with translation.override("en"):
        return excinfo.value.code, excinfo.value.messages[0]


def accepted(name, content):
    return validate_upload(SimpleUploadedFile(name, content))


def with_parts(document, parts):
    """`document` (a ZIP container) with `parts` replaced or added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(document)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename not in parts:
                out.writestr(info, source.read(info))
        for part, data in parts.items():
            out.writestr(part, data)
    return buffer.getvalue()


def content_types(document, old, new):
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        declared = archive.read("[Content_Types].xml")
    assert old in declared
    return with_parts(document, {"[Content_Types].xml": declared.replace(old, new)})


def declaring(document, extension, content_type):
    """`document` whose `[Content_Types].xml` declares `content_type` for the parts named *.`extension`."""
    default = b'<Default Extension="%s" ContentType="%s"/>' % (extension, content_type)
    return content_types(document, b"<Default ", default + b"<Default ")


def compound_file(*entries):
    """A compound file (.doc, .xls) of 512-byte sectors whose directory holds the root and `entries` (name, type)."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<II", header, 0x2C, 1, 0)  # one FAT sector; the directory starts at sector 0
    directory = b""
    for name, kind in [("Root Entry", 5), *entries]:
        encoded = (name + "\0").encode("utf-16-le")
        directory += encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1) + b"\xff" * 12
        directory += b"\0" * (128 - 64 - 4 - 12)
    fat = struct.pack("<II", 0xFFFFFFFE, 0xFFFFFFFD).ljust(512, b"\xff")
    text = "Macros\0 in the text are words".encode("utf-16-le")  # not a directory entry: not macros
    return bytes(header) + directory.ljust(512, b"\0") + fat + text.ljust(512, b"\0")


# --- Office ------------------------------------------------------------------------------------


def test_plain_office_documents_are_accepted():
    accepted("正文.docx", docx_file())
    accepted("统计表.xlsx", xlsx_file())
    accepted("正文.doc", compound_file(("WordDocument", 2), ("1Table", 2)))
    accepted("统计表.xls", compound_file(("Workbook", 2)))


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("正文.docx", with_parts(docx_file(), {"word/vbaProject.bin": b"\0" * 64})),
        ("统计表.xlsx", with_parts(xlsx_file(), {"xl/vbaProject.bin": b"\0" * 64})),
        ("统计表.xlsx", with_parts(xlsx_file(), {"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"})),  # Excel 4.0
        ("正文.docx", content_types(docx_file(), DOCX_MAIN, b"application/vnd.ms-word.document.macroEnabled.main+xml")),
        # A macro project under another part name, declared by its type: written with a character reference.
        ("正文.docx", declaring(docx_file(), b"x", b"application/vnd.ms-office.vba&#x50;roject")),
        ("正文.doc", compound_file(("WordDocument", 2), ("Macros", 1), ("VBA", 1))),
        ("统计表.xls", compound_file(("Workbook", 2), ("_VBA_PROJECT_CUR", 1))),
        # A document with macros embedded in a Word document, and a macro document inside a zip.
        ("正文.docx", with_parts(docx_file(), {"word/embeddings/oleObject1.bin": compound_file(("Macros", 1))})),
        ("材料.zip", zip_of({"正文.docm": with_parts(docx_file(), {"word/vbaProject.bin": b"\0"})})),
    ],
)
def test_an_office_document_with_macros_is_refused(name, document):
    assert refusal(name, document) == (
        "active_content",
        f"“{name}” cannot be attached: it contains macros, which attachments may not hold.",
    )


@pytest.mark.parametrize(
    "document",
    [
        with_parts(docx_file(), {"word/activeX/activeX1.xml": b"<ax:ocx/>"}),
        declaring(docx_file(), b"ax", b"application/vnd.ms-office.activeX+xml"),
    ],
)
def test_a_document_with_activex_controls_is_refused(document):
    assert refusal("正文.docx", document)[1] == (
        "“正文.docx” cannot be attached: it contains ActiveX controls, which attachments may not hold."
    )


# --- PDF ---------------------------------------------------------------------------------------


def pdf_of(*objects, trailer=b"/Root 1 0 R"):
    """A PDF of `objects` (the bodies of objects 1, 2, …) with its cross-reference table."""
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % at for at in offsets))
    out.write(b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref))
    return out.getvalue()


def deflated(data, **dictionary):
    entries = b"".join(b"/%s %s " % (key.encode(), value) for key, value in dictionary.items())
    packed = zlib.compress(data)
    return b"<< %s/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (entries, len(packed), packed)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def pdf_opening_with(action):
    return pdf_of(CATALOG, PAGES, PAGE, action)


def in_object_stream(action):
    """The action compressed in an object stream (PDF 1.5), where it is object 4."""
    header = b"4 0 "
    return pdf_of(CATALOG, PAGES, PAGE, b"null", deflated(header + action, Type=b"/ObjStm", N=b"1", First=b"4"))


def fpdf_with_a_picture_and_a_link():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Proposal 0001", link="https://example.org/")
    pdf.image(io.BytesIO(png()), x=10, y=30, w=20)
    return bytes(pdf.output())


def test_plain_pdfs_are_accepted():
    accepted("案卷.pdf", render([], title="案卷"))  # the project's own case file
    accepted("建议.pdf", fpdf_with_a_picture_and_a_link())
    accepted("建议.pdf", pdf_opening_with(b"[3 0 R /Fit]"))  # opening at a page is no action
    accepted("建议.pdf", in_object_stream(b"<< /S /GoTo /D [3 0 R /Fit] >>"))


@pytest.mark.parametrize(
    "action",
    [
        b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
        b"<</S/JavaScript/JS(app.alert\\(1\\))>>",
        b"<</S/JavaScript\x00>>",  # NUL is white space to a PDF reader
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
        b"<< /S /#4a#61#76#61Script >>",
        b"<< /S /JavaScript /JS 5 0 R >>",
    ],
)
def test_a_pdf_running_javascript_is_refused_however_it_is_spelt(action):
    assert refusal("建议.pdf", pdf_opening_with(action)) == (
        "active_content",
        "“建议.pdf” cannot be attached: it contains JavaScript, which attachments may not hold.",
    )


@pytest.mark.parametrize("padding", [0, 4096, 1024 * 1024 - 12])  # within the first look, past it, across 1 MB
def test_javascript_compressed_in_an_object_stream_is_found(padding):
    data = in_object_stream(b" " * padding + b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>")
    assert b"JavaScript" not in data
    assert "it contains JavaScript" in refusal("建议.pdf", data)[1]


@pytest.mark.parametrize("cut", [1, 6, 11, 12])
def test_javascript_cut_by_the_first_megabytes_end_is_found(cut):
    """`cut` bytes of the name lie in the first megabyte the file is read in, the rest in the next."""
    head = b"%PDF-1.7\n%"
    at = 1024 * 1024 - cut
    data = head + b"x" * (at - len(head) - 1) + b"\n/JavaScript (app.alert\\(1\\))\n%%EOF\n"
    assert data.index(b"/JavaScript") == at
    assert "it contains JavaScript" in refusal("建议.pdf", data)[1]


@pytest.mark.parametrize(
    ("action", "what"),
    [
        (b"<< /S /Launch /F (cmd.exe) >>", "an action that opens a program or file"),
        (b"<< /Names << /EmbeddedFiles << /Names [(a.txt) 5 0 R] >> >> >>", "files embedded in it"),
        (b"<< /Type /EmbeddedFile /Length 0 >>", "files embedded in it"),
        (b"<< /Subtype /RichMedia >>", "rich media (Flash or video)"),
        (b"<< /Fields [] /XFA 7 0 R >>", "an XFA form"),
    ],
)
def test_other_active_content_in_a_pdf_is_refused_naming_it(action, what):
    assert refusal("建议.pdf", pdf_opening_with(action))[1] == (
        f"“建议.pdf” cannot be attached: it contains {what}, which attachments may not hold."
    )


def test_an_object_stream_inflating_beyond_the_limit_is_refused(settings):
    settings.ATTACHMENT_UNZIPPED_MAX_BYTES = 1024 * 1024
    bomb = in_object_stream(b"<< /S /GoTo >>" + b" " * (2 * 1024 * 1024))
    assert len(bomb) < 10_000
    assert refusal("建议.pdf", bomb) == (
        "unzipped_too_big",
        "“建议.pdf” cannot be attached: unpacked, it would be larger than 1.0\xa0MB.",
    )
