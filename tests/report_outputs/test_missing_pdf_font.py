"""A server without a CJK font: the PDF downloads answer 503 saying what to install, never 500.

`make test` and `make run` install fonts-noto-cjk where they can; a deployment that lacks it
(or names a REPORT_PDF_FONT that is not there) must still tell the reader what is wrong.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.exports import pdf

pytestmark = pytest.mark.django_db

QUERY = {"district": "minhang", "year": 2026, "body": "cppcc"}


@pytest.fixture
def no_font(monkeypatch, settings, tmp_path):
    """No candidate font on disk and no REPORT_PDF_FONT; the cached font of other tests forgotten."""
    settings.REPORT_PDF_FONT = ""
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ((str(tmp_path / "NotoSansCJK-Regular.ttc"), 2),))
    pdf.font_file.cache_clear()
    yield
    pdf.font_file.cache_clear()  # the next test finds the real font again


@pytest.fixture
def office_client(client, office, settings):
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_yearly_pdf_answers_503_saying_what_to_install(office_client, unit_work, no_font):
    response = office_client.get(reverse("reports:annual_export", args=["pdf"]), QUERY)
    assert response.status_code == 503
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "no Chinese (CJK) font" in text
    assert "apt-get install fonts-noto-cjk" in text and "REPORT_PDF_FONT" in text
    # The other downloads do not need the font.
    assert office_client.get(reverse("reports:annual_export", args=["xlsx"]), QUERY).status_code == 200


def test_the_units_pdf_answers_503_too(office_client, unit_work, no_font):
    response = office_client.get(reverse("reports:units_export", args=["pdf"]), QUERY)
    assert response.status_code == 503
    assert "fonts-noto-cjk" in response.content.decode()


def test_a_report_pdf_font_that_is_not_there_is_said_so(office_client, unit_work, no_font, settings, tmp_path):
    settings.REPORT_PDF_FONT = str(tmp_path / "gone.ttf")
    response = office_client.get(reverse("reports:annual_export", args=["pdf"]), QUERY)
    assert response.status_code == 503
    text = response.content.decode()
    assert "the font file that REPORT_PDF_FONT names is not there" in text and "fonts-noto-cjk" in text
    assert str(tmp_path) not in text  # no server path shown to the reader


def test_the_message_is_in_chinese_for_a_chinese_reader(client, office, unit_work, no_font):
    client.force_login(office)  # no language cookie: the site's default, Chinese
    text = client.get(reverse("reports:annual_export", args=["pdf"]), QUERY).content.decode()
    assert "中文字体" in text and "apt-get install fonts-noto-cjk" in text


def test_the_command_stops_naming_the_fix(district, no_font, tmp_path):
    with pytest.raises(CommandError, match="fonts-noto-cjk"):
        call_command(
            "annual_report",
            district="minhang",
            year=2026,
            body="cppcc",
            format="pdf",
            output=tmp_path / "report.pdf",
            stderr=io.StringIO(),
        )
    assert not (tmp_path / "report.pdf").exists()
