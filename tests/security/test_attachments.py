"""Hostile attachments are refused, saying why; real documents and pictures still go through.

The files are built here byte by byte (a Windows program is a DOS header pointing at a PE
signature), so each test shows what makes the file hostile. The virus scanner is ClamAV's clamd
played by a small server on a unix socket that speaks INSTREAM.
"""

import io
import socket
import struct
import threading
import zipfile
import zlib

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from proposals.attachments import store_attachment, stored, validate_upload
from proposals.models import Attachment
from submissions.models import SubmissionFile
from tests.factories import ItemFactory
from workflow.services import submissions

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# A DOS header whose e_lfanew (at 0x3C) points at "PE\0\0": what Windows loads as a program.
WINDOWS_PROGRAM = b"MZ\x90\x00" + b"\x00" * 56 + struct.pack("<I", 0x80) + b"\x00" * 64 + b"PE\x00\x00" + b"\x4c\x01"
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def docx_file(embed=None):
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("关于加强社区养老服务的建议")
    document.save(buffer)
    if embed is None:
        return buffer.getvalue()
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:  # an embedded object, compressed
        archive.writestr("word/embeddings/oleObject1.bin", embed)
    return buffer.getvalue()


def xlsx_file():
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["建议编号", "标题"])
    workbook.save(buffer)
    return buffer.getvalue()


def zip_of(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")  # what the browser claims is ignored


def refusal(name, content):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(name, content))
    with translation.override("en"):
        return excinfo.value.code, excinfo.value.messages[0]


# --- accepted ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("建议正文.pdf", PDF, "application/pdf"),
        ("建议正文.docx", docx_file(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("统计表.xlsx", xlsx_file(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("现场.jpg", JPEG, "image/jpeg"),
        ("现场.png", png(), "image/png"),
        ("意见.txt", "同意，建议加快进度。a < b".encode(), "text/plain; charset=utf-8"),
        ("材料.zip", zip_of({"正文.docx": docx_file(), "照片/现场.png": png()}), "application/zip"),
    ],
)
def test_real_documents_and_pictures_are_accepted(name, content, content_type):
    assert validate_upload(upload(name, content)) == content_type


# --- programs ----------------------------------------------------------------------------------


def test_a_pdf_carrying_a_windows_program_after_its_header_is_refused():
    code, message = refusal("答复.pdf", PDF + b"\x00" * 3000 + WINDOWS_PROGRAM)
    assert code == "executable"
    assert message == "“答复.pdf” cannot be attached: it holds a Windows program, and programs are never accepted."


def test_a_program_hidden_beyond_the_first_megabyte_is_found_across_the_chunk_boundary():
    padding = b"%" * (1024 * 1024 - 100)  # the program's header straddles the end of the first chunk read
    code, message = refusal("scan.pdf", PDF + padding + WINDOWS_PROGRAM + b"\x00" * 10)
    assert code == "executable" and "Windows program" in message


def test_a_picture_carrying_a_linux_program_is_refused():
    code, message = refusal("现场.png", png() + LINUX_PROGRAM)
    assert (code, message) == (
        "executable",
        "“现场.png” cannot be attached: it holds a Linux program, and programs are never accepted.",
    )


def test_a_script_named_as_text_is_refused():
    code, message = refusal("说明.txt", b"#!/bin/sh\nrm -rf /\n")
    assert (code, message) == (
        "executable",
        "“说明.txt” cannot be attached: it holds a script, and programs are never accepted.",
    )


def test_a_program_type_is_refused_even_when_a_deployment_allows_it(settings):
    settings.ATTACHMENT_EXTENSIONS = [*settings.ATTACHMENT_EXTENSIONS, "exe"]
    assert refusal("setup.exe", WINDOWS_PROGRAM) == (
        "executable",
        "“setup.exe” cannot be attached: it is a program, and programs are never accepted.",
    )


def test_a_windows_program_named_as_a_picture_is_refused_as_not_a_picture():
    assert refusal("照片.jpg", WINDOWS_PROGRAM) == (
        "content",
        "“照片.jpg” is not a real .jpg file: its content does not match its name.",
    )


def installer(clsid=b"\x84\x10\x0c\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"):
    """A compound file (what .doc and .msi both are) whose root storage has the class `clsid`."""
    header = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(512, b"\x00"))
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 0x30, 2)  # the directory starts at sector 2, past two sectors of content
    root = bytearray(b"R\x00o\x00o\x00t\x00".ljust(128, b"\x00"))
    root[0x50:0x60] = clsid
    return bytes(header) + b"\x00" * 1024 + bytes(root)


def test_a_windows_installer_named_as_a_word_document_is_refused():
    assert refusal("建议.doc", installer()) == (
        "executable",
        "“建议.doc” cannot be attached: it holds a Windows program, and programs are never accepted.",
    )
    assert (
        validate_upload(upload("建议.doc", installer(clsid=b"\x06\x09\x02\x00" + b"\x00" * 12))) == "application/msword"
    )


def test_a_document_embedding_a_program_is_refused_naming_the_part():
    code, message = refusal("建议.docx", docx_file(embed=b"\x01\x00Package\x00" + WINDOWS_PROGRAM))
    assert code == "executable"
    assert message == (
        "“建议.docx” cannot be attached: “word/embeddings/oleObject1.bin” inside it is a Windows program, "
        "and programs are never accepted."
    )


# --- archives ----------------------------------------------------------------------------------


def test_a_zip_holding_a_program_by_name_is_refused():
    code, message = refusal("材料.zip", zip_of({"正文.pdf": PDF, "安装/setup.exe": b"anything"}))
    assert code == "executable"
    assert (
        message
        == "“材料.zip” cannot be attached: it holds “安装/setup.exe”, a program, and programs are never accepted."
    )


def test_a_zip_holding_a_program_under_a_harmless_name_is_refused():
    code, message = refusal("材料.zip", zip_of({"说明.txt": WINDOWS_PROGRAM}))
    assert code == "executable" and "“说明.txt” inside it is a Windows program" in message


def test_archives_nested_too_deep_are_refused():
    nested = zip_of({"a.txt": b"hello"})
    for level in range(3):
        nested = zip_of({f"level{level}.zip": nested})
    assert refusal("材料.zip", nested) == (
        "nested_too_deep",
        "“材料.zip” cannot be attached: it holds archives inside archives more than 2 deep.",
    )
    assert validate_upload(upload("材料.zip", zip_of({"inner.zip": zip_of({"正文.docx": docx_file()})})))


def test_an_archive_that_cannot_be_looked_into_is_refused():
    code, message = refusal("材料.zip", zip_of({"备份.rar": b"Rar!\x1a\x07\x00 rest"}))
    assert code == "opaque_archive" and "“备份.rar”, an archive of a kind that cannot be checked" in message


def test_a_zip_bomb_is_refused_at_the_unzipped_limit(settings):
    settings.ATTACHMENT_UNZIPPED_MAX_BYTES = 1024 * 1024
    bomb = zip_of({f"part{n}.txt": b"0" * (600 * 1024) for n in range(2)})
    assert len(bomb) < 10 * 1024
    assert refusal("材料.zip", bomb) == (
        "unzipped_too_big",
        "“材料.zip” cannot be attached: unpacked, it would be larger than 1.0\xa0MB.",
    )


def test_a_zip_lying_about_its_sizes_is_still_stopped(settings):
    settings.ATTACHMENT_UNZIPPED_MAX_BYTES = 1024 * 1024
    bomb = bytearray(zip_of({"a.txt": b"0" * (2 * 1024 * 1024)}))
    real = struct.pack("<I", 2 * 1024 * 1024)
    bomb = bytes(bomb).replace(real, struct.pack("<I", 10))  # claims 10 bytes in both headers
    code, _message = refusal("材料.zip", bomb)
    assert code in {"unzipped_too_big", "damaged"}  # stopped either way, never unpacked whole


def test_a_document_without_its_parts_is_not_a_document():
    assert refusal("建议.docx", zip_of({"a.txt": b"hello"})) == (
        "content",
        "“建议.docx” is not a real .docx file: its content does not match its name.",
    )
    assert refusal("表.xlsx", docx_file())[0] == "content"


def test_a_damaged_zip_is_refused():
    assert refusal("材料.zip", b"PK\x03\x04 not really a zip") == (
        "damaged",
        "“材料.zip” is a damaged .zip file and cannot be opened.",
    )


# --- markup ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "意见如下：<script>document.location='//x'</script>".encode(),
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<?xml version="1.0"?><root/>',
    ],
)
def test_web_page_markup_named_as_text_is_refused(content):
    assert refusal("意见.txt", content) == (
        "markup",
        "“意见.txt” cannot be attached: it holds web page markup (HTML, SVG or XML), "
        "which is not accepted under a .txt name.",
    )


def test_markup_named_as_a_picture_is_refused():
    assert (
        refusal("照片.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')[0] == "content"
    )
    assert refusal("照片.jpg", b"<html><body>hi</body></html>")[0] == "content"


# --- names -------------------------------------------------------------------------------------


def test_a_300_character_name_is_shortened_keeping_its_extension(district, office, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    item = ItemFactory(district=district)
    long_name = "关" * 300 + ".pdf"
    stored = store_attachment(item=item, uploaded_file=upload(long_name, PDF), purpose="item", uploaded_by=office)
    assert stored.original_name.endswith(".pdf")
    assert stored.original_name.startswith("关关关")
    assert len(stored.original_name.encode()) <= 255  # what people's file systems take when they save it
    assert Attachment.objects.get().original_name == stored.original_name


def test_control_characters_and_folders_are_dropped_from_a_name():
    uploaded = upload("../../etc/答\x00复\n.pdf", PDF)
    validate_upload(uploaded)
    assert uploaded.name == "答复.pdf"


# --- the virus scanner -------------------------------------------------------------------------


class FakeClamd:
    """clamd on a unix socket at `path` (else on a TCP port): reads one INSTREAM, keeps it, answers as told."""

    def __init__(self, answer, path=None):
        self.answer, self.received = answer, b""
        self.server = socket.socket(socket.AF_UNIX if path else socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(str(path) if path else ("127.0.0.1", 0))
        self.address = f"unix://{path}" if path else f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.server.listen(1)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        connection, _ = self.server.accept()
        with connection, connection.makefile("rb") as stream:
            assert stream.read(len(b"zINSTREAM\x00")) == b"zINSTREAM\x00"
            while size := struct.unpack("!L", stream.read(4))[0]:
                self.received += stream.read(size)
            connection.sendall(self.answer + b"\x00")

    def close(self):
        self.thread.join(timeout=5)
        self.server.close()


@pytest.fixture
def clamd(settings, tmp_path):
    settings.ATTACHMENT_SCANNER = "proposals.uploads.clamav.scan"
    settings.ATTACHMENT_CLAMD_ADDRESS = f"unix://{tmp_path}/clamd.ctl"
    settings.ATTACHMENT_CLAMD_TIMEOUT = 5
    servers = []

    def start(answer):
        servers.append(FakeClamd(answer, tmp_path / "clamd.ctl"))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_a_clean_answer_lets_the_file_in_and_clamd_saw_all_of_it(clamd):
    server = clamd(b"stream: OK")
    big = PDF + b"%" * 200_000  # several INSTREAM chunks
    assert validate_upload(upload("答复.pdf", big)) == "application/pdf"
    server.close()
    assert server.received == big


def test_an_infected_answer_refuses_the_file_naming_what_was_found(clamd, caplog):
    clamd(b"stream: Win.Test.EICAR_HDB-1 FOUND")
    assert refusal("答复.pdf", PDF) == (
        "infected",
        "“答复.pdf” was refused: the virus scanner found Win.Test.EICAR_HDB-1 in it.",
    )
    assert "Win.Test.EICAR_HDB-1" in caplog.text


def test_a_scanner_that_is_down_refuses_the_file_and_is_logged(clamd, caplog):
    # no server started: nothing listens on the socket
    assert refusal("答复.pdf", PDF) == (
        "scanner_unavailable",
        "“答复.pdf” could not be checked for viruses just now, so it was not accepted. "
        "Please try again later; if it keeps happening, tell the system administrator.",
    )
    assert "failed on “答复.pdf”" in caplog.text


def test_clamd_is_reached_over_tcp_as_well(clamd, settings):
    server = FakeClamd(b"stream: Eicar-Signature FOUND")
    settings.ATTACHMENT_CLAMD_ADDRESS = server.address
    assert refusal("答复.pdf", PDF)[0] == "infected"
    server.close()
    assert server.received == PDF


def test_a_misconfigured_scanner_address_refuses_the_file(clamd, settings):
    settings.ATTACHMENT_CLAMD_ADDRESS = "clamav:3310"
    assert refusal("答复.pdf", PDF)[0] == "scanner_unavailable"


def test_a_scanner_error_answer_refuses_the_file(clamd):
    clamd(b"INSTREAM size limit exceeded. ERROR")
    assert refusal("答复.pdf", PDF)[0] == "scanner_unavailable"


def test_no_scanner_configured_means_none_is_called(settings):
    settings.ATTACHMENT_SCANNER = ""
    settings.ATTACHMENT_CLAMD_ADDRESS = "tcp://nowhere.invalid:1"
    assert validate_upload(upload("答复.pdf", PDF)) == "application/pdf"


SCANNED = []


def counting_scanner(stream):
    SCANNED.append(stream.name)  # finds nothing


@pytest.mark.django_db
def test_a_file_the_form_checked_is_not_scanned_again_when_stored(settings, tmp_path):
    settings.ATTACHMENT_SCANNER = f"{__name__}.counting_scanner"
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    SCANNED.clear()
    uploaded = upload("答复.pdf", PDF)
    validate_upload(uploaded)  # the form's check
    store_attachment(item=ItemFactory(), uploaded_file=uploaded, purpose=Attachment.Purpose.REPLY, uploaded_by=None)
    assert SCANNED == ["答复.pdf"]
    store_attachment(item=ItemFactory(), uploaded_file=upload("复文.pdf", PDF), purpose="reply", uploaded_by=None)
    assert SCANNED == ["答复.pdf", "复文.pdf"]  # an unchecked file is checked when stored


# --- through a browser screen ------------------------------------------------------------------


def test_the_proposer_attaching_a_disguised_program_reads_why_on_the_draft_page(
    client, proposer, proposer_user, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    draft = submissions.create_draft(
        actor=proposer_user, now=timezone.now(), lead=proposer, kind="proposal", title="关于停车难的提案"
    )
    client.force_login(proposer_user)
    client.cookies["django_language"] = "en"
    address = reverse("submissions:add_file", args=[draft.pk])
    response = client.post(address, {"file": upload("调研报告.pdf", PDF + WINDOWS_PROGRAM)})
    assert response.status_code == 400
    assert "“调研报告.pdf” cannot be attached: it holds a Windows program" in response.content.decode()
    assert not SubmissionFile.objects.exists()
    client.post(address, {"file": upload("调研报告.pdf", PDF)})
    assert SubmissionFile.objects.get().original_name == "调研报告.pdf"


@pytest.mark.django_db
def test_a_refused_act_leaves_neither_rows_nor_files_of_what_it_stored(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    item = ItemFactory()
    with (
        pytest.raises(RuntimeError),
        stored(item=item, uploads=[upload("答复.pdf", PDF)], purpose="reply", uploaded_by=None),
    ):
        assert Attachment.objects.filter(item=item).count() == 1
        assert any(path.is_file() for path in tmp_path.rglob("*"))  # stored where the test looks
        raise RuntimeError("the service refuses")
    assert not Attachment.objects.filter(item=item).exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
