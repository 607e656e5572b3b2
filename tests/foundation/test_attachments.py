"""Attachments: checked on upload, kept outside the web root, and served only to people who may see the item."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from districts.models import Role
from proposals.attachments import store_attachment
from proposals.models import Attachment
from tests.factories import ItemFactory, MembershipFactory, ProposerFactory, UserFactory
from workflow.models import Assignment

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(name="建议正文.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def item(district, proposer):
    return ItemFactory(district=district, lead_proposer=proposer)


@pytest.fixture
def attachment(item, office, private_media):
    return store_attachment(item=item, uploaded_file=upload(), purpose=Attachment.Purpose.ITEM, uploaded_by=office)


def rejection(uploaded_file, item, office):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        store_attachment(item=item, uploaded_file=uploaded_file, purpose=Attachment.Purpose.ITEM, uploaded_by=office)
    error = excinfo.value
    with translation.override("en"):
        return error.code, error.messages[0]


# --- storing -----------------------------------------------------------------------------------


def test_an_upload_is_stored_privately_under_a_random_name(attachment, private_media):
    path = Path(attachment.file.path)
    assert path.read_bytes() == PDF
    assert path.is_relative_to(private_media)
    assert path.name != "建议正文.pdf" and path.suffix == ".pdf"
    assert attachment.original_name == "建议正文.pdf"
    assert (attachment.size, attachment.content_type) == (len(PDF), "application/pdf")


def test_no_address_serves_a_stored_file_except_the_checked_view(client, office, attachment):
    client.force_login(office)
    relative = Path(attachment.file.path).relative_to(settings.PRIVATE_MEDIA_ROOT).as_posix()
    for address in (f"/{relative}", f"/media/{relative}", f"/{settings.STATIC_URL}{relative}", f"/private/{relative}"):
        assert client.get(address).status_code == 404, address


def test_the_private_root_is_outside_the_web_root_by_default():
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    for public in (Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)):
        assert not private.is_relative_to(public.resolve())
        assert not public.resolve().is_relative_to(private)


def test_the_stored_type_comes_from_the_checked_extension_not_the_browser(item, office, private_media):
    stored = store_attachment(
        item=item, uploaded_file=upload(content_type="text/html"), purpose="item", uploaded_by=office
    )
    assert stored.content_type == "application/pdf"


# --- refusing ----------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_with_both_sizes(item, office, private_media, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    code, message = rejection(upload(content=PDF + b"0" * 2048), item, office)
    assert code == "too_big"
    assert message == "“建议正文.pdf” is 2.0\xa0KB; files may be at most 1.0\xa0KB."
    assert not Attachment.objects.exists()


def test_a_file_type_not_on_the_list_is_refused_naming_the_allowed_types(item, office, private_media):
    code, message = rejection(upload("setup.exe", b"MZ\x90\x00"), item, office)
    assert code == "extension"
    assert message.startswith("“setup.exe” cannot be attached: only these file types are accepted: pdf, doc, docx")


def test_a_file_whose_content_does_not_match_its_extension_is_refused(item, office, private_media):
    code, message = rejection(upload("答复.pdf", b"MZ\x90\x00 not a pdf"), item, office)
    assert code == "content"
    assert message == "“答复.pdf” is not a real .pdf file: its content does not match its name."


def test_an_empty_file_is_refused(item, office, private_media):
    assert rejection(upload(content=b""), item, office) == ("empty", "“建议正文.pdf” is empty.")


def test_the_allowed_types_come_from_settings(item, office, private_media, settings):
    settings.ATTACHMENT_EXTENSIONS = ["txt"]
    assert rejection(upload(), item, office)[0] == "extension"
    stored = store_attachment(
        item=item, uploaded_file=upload("意见.txt", "同意".encode()), purpose="item", uploaded_by=office
    )
    assert stored.content_type == "text/plain; charset=utf-8"


# --- downloading -------------------------------------------------------------------------------


def download(client, user, attachment):
    client.force_login(user)
    return client.get(reverse("items:attachment", args=[attachment.pk]))


def test_the_office_of_the_district_downloads_it(client, office, attachment):
    response = download(client, office, attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_lead_proposer_downloads_it(client, proposer_user, attachment):
    assert download(client, proposer_user, attachment).status_code == 200


def test_the_assigned_unit_downloads_it(client, handler, unit, office, attachment):
    Assignment.objects.create(
        item=attachment.item, unit=unit, role=Assignment.Role.LEAD, assigned_at=attachment.uploaded_at,
        assigned_by=office,
    )  # fmt: skip
    assert download(client, handler, attachment).status_code == 200


def test_another_district_gets_not_found(client, outsider, attachment):
    assert download(client, outsider, attachment).status_code == 404


def test_an_unrelated_proposer_gets_not_found(client, district, attachment):
    stranger = UserFactory(username="stranger")
    MembershipFactory(user=stranger, role=Role.PROPOSER, district=district, proposer=ProposerFactory(district=district))
    assert download(client, stranger, attachment).status_code == 404


def test_a_unit_not_assigned_gets_not_found(client, other_handler, attachment):
    assert download(client, other_handler, attachment).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, attachment):
    response = client.get(reverse("items:attachment", args=[attachment.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
