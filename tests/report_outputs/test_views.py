"""The report pages and their downloads: who may see them, what they show, the files they give."""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from docx import Document

from reports.charts import PALETTE

pytestmark = pytest.mark.django_db

QUERY = {"district": "minhang", "year": 2026, "body": "cppcc"}


@pytest.fixture
def office_client(client, office, settings):
    """The office in English, so the assertions read the msgids; the Chinese pages are tested apart."""
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_office_sees_the_yearly_figures_with_charts_and_downloads(office_client, unit_work):
    response = office_client.get(reverse("reports:annual"), QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="report-charts"' in page and "vendor/chartjs/chart.umd.min.js" in page
    for fmt in ("xlsx", "docx", "pdf", "csv"):
        assert reverse("reports:annual_export", args=[fmt]) in page
    assert "经委" in page and "教育局" in page  # the unit table and chart
    charts = response.context["charts"]
    assert charts["months"]["counts"][4] == 2  # two items first answered in May
    assert charts["palette"] == list(PALETTE)  # the colours the PDF draws with
    assert response.context["report"]["total"] == 3
    as_of = response.context["report"]["as_of"]
    assert f"As of {as_of}: 3 items received, 3 registered. Percentages of the tables add up to 100." in page


@pytest.mark.parametrize("user", ["leader", "city_admin"])
def test_leaders_and_admins_see_the_page_too(client, user, request, unit_work):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("reports:annual"), QUERY).status_code == 200


def test_office_of_another_district_gets_404(client, outsider, unit_work):
    client.force_login(outsider)
    assert client.get(reverse("reports:annual"), QUERY).status_code == 404
    assert client.get(reverse("reports:annual_export", args=["xlsx"]), QUERY).status_code == 404
    assert client.get(reverse("reports:bulletin"), {"district": "minhang", "body": "cppcc"}).status_code == 404


@pytest.mark.parametrize("user", ["handler", "proposer_user"])
def test_unit_staff_and_proposers_get_403(client, user, request, unit_work):
    client.force_login(request.getfixturevalue(user))
    for name in ("reports:annual", "reports:units", "reports:bulletin"):
        assert client.get(reverse(name), QUERY).status_code == 403
    assert client.get(reverse("reports:annual_export", args=["pdf"]), QUERY).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, district):
    response = client.get(reverse("reports:annual"), QUERY)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_page_defaults_to_the_users_district_and_this_year(office_client, district):
    response = office_client.get(reverse("reports:annual"))
    assert response.status_code == 200
    assert response.context["district"] == district


def test_an_invalid_year_shows_the_form_error(office_client, district):
    response = office_client.get(reverse("reports:annual"), {**QUERY, "year": "17"})
    assert response.status_code == 200 and "report" not in response.context
    assert response.context["form"].errors["year"]


def test_downloads_are_the_export_files(office_client, unit_work):
    xlsx = office_client.get(reverse("reports:annual_export", args=["xlsx"]), QUERY)
    assert xlsx["Content-Disposition"] == 'attachment; filename="minhang-2026-cppcc.xlsx"'
    categories = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[1]
    assert [row[1] for row in categories.iter_rows(min_row=2, values_only=True)] == [3]  # one uncategorised row
    docx = office_client.get(reverse("reports:annual_export", args=["docx"]), QUERY)
    assert "received 3 proposals (no figure from last year to compare with)" in "\n".join(
        p.text for p in Document(io.BytesIO(docx.content)).paragraphs
    )
    pdf = office_client.get(reverse("reports:annual_export", args=["pdf"]), QUERY)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    archive = office_client.get(reverse("reports:annual_export", args=["csv"]), QUERY)
    assert archive["Content-Type"] == "application/zip"
    assert "outcomes.csv" in zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    one = office_client.get(reverse("reports:annual_export", args=["csv"]), {**QUERY, "table": "outcomes"})
    assert one.content.startswith(b"\xef\xbb\xbf") and one["Content-Type"].startswith("text/csv")


def test_unknown_export_format_or_table_is_404(office_client, unit_work):
    assert office_client.get(reverse("reports:annual_export", args=["odt"]), QUERY).status_code == 404
    assert office_client.get(reverse("reports:annual_export", args=["csv"]), {**QUERY, "table": "x"}).status_code == 404


def test_unit_page_and_its_downloads(office_client, unit_work):
    page = office_client.get(reverse("reports:units"), QUERY)
    assert page.status_code == 200 and "Longest delay (working days)" in page.content.decode()
    csv = office_client.get(reverse("reports:units_export", args=["csv"]), QUERY)
    assert csv.content.decode("utf-8-sig").splitlines()[1].startswith("经委,")
    assert office_client.get(reverse("reports:units_export", args=["docx"]), QUERY).status_code == 404


def test_bulletin_page_and_word_document(office_client, unit_work):
    query = {"district": "minhang", "body": "cppcc", "start": "2026-04-01", "end": "2026-06-30"}
    page = office_client.get(reverse("reports:bulletin"), query)
    assert page.status_code == 200
    assert "答复类型不当" in page.content.decode() and "未解决实际问题" in page.content.decode()
    document = office_client.get(reverse("reports:bulletin_export"), query)
    assert document["Content-Disposition"].endswith('-bulletin-20260401-20260630.docx"')


def test_a_bulletin_period_that_ends_before_it_starts_is_refused(office_client, district):
    query = {"district": "minhang", "body": "cppcc", "start": "2026-06-30", "end": "2026-04-01"}
    response = office_client.get(reverse("reports:bulletin"), query)
    assert response.status_code == 200 and "bulletin" not in response.context
    assert office_client.get(reverse("reports:bulletin_export"), query).status_code == 404


def test_the_language_switch_changes_the_page_language(office_client, unit_work):
    url = reverse("reports:annual") + "?district=minhang&year=2026&body=cppcc"
    response = office_client.post(reverse("set_language"), {"language": "en", "next": url}, follow=True)
    page = response.content.decode()
    assert '<html lang="en">' in page and "Yearly figures" in page
    response = office_client.post(reverse("set_language"), {"language": "zh-hans", "next": url}, follow=True)
    assert '<html lang="zh-hans">' in response.content.decode()
