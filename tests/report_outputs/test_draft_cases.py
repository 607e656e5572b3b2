"""The draft and the titles in the cases the Minhang figures don't show: no item, no category, one kind."""

import io
import re

import pypdf
import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document

from proposals.models import Item
from reports import exports
from reports.annual import annual_report
from reports.exports import draft
from tests.factories import ItemFactory

from .conftest import AS_OF, assign

QUERY = {"district": "minhang", "year": 2026, "body": "cppcc"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _text(report) -> str:
    return " ".join(p for _heading, paragraphs in draft.sections(report) for p in paragraphs)


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _pdf_text(data: bytes) -> str:
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


@pytest.mark.django_db
def test_a_year_with_no_item_is_drafted_as_one_sentence_without_rates(district):
    report = annual_report(district=district, year=2026, body="cppcc", as_of=AS_OF)
    assert draft.sections(report) == [
        ("1. Items and their categories", ["As of June 30, 2026, the district government had received no proposals."])
    ]
    text = _docx_text(exports.render(report, "docx"))
    assert "—" not in text and "rate" not in text and "All 0" not in text


@pytest.mark.django_db
def test_a_year_with_items_received_but_none_registered_says_so(district):
    ItemFactory.create_batch(2, district=district, review=Item.Review.PENDING)
    report = annual_report(district=district, year=2026, body="cppcc", as_of=AS_OF)
    assert _text(report) == (
        "As of June 30, 2026, the district government had received 2 proposals and registered none."
    )


def test_a_rate_missing_this_year_is_compared_with_last_years(minhang_report):
    minhang_report.update(replied=0, not_replied=210, resolution_rate=None, resolution_rate_change=None)
    minhang_report.update(resolution_rate_at_reply=None, disclosure_rate=None, disclosure_rate_change=None)
    text = _text(minhang_report)
    assert "The resolution rate is —, no figure this year to compare with the 78% of last year." in text
    assert "a disclosure rate of —, no figure this year to compare with the 2% of last year." in text
    assert "no figure from last year" not in text


def test_items_without_a_category_have_their_own_wording(minhang_report):
    minhang_report["by_category"].append({"code": None, "label": "No category", "count": 0, "percent": 0})
    text = _text(minhang_report)
    assert "综合: 54 items, 26%; without a category: 0 items, 0%." in text
    assert "No category" not in text


@pytest.mark.django_db
def test_the_drafted_categories_of_unclassified_items_read_well(district, unit_work):
    text = _text(annual_report(district=district, year=2026, body="cppcc", as_of=AS_OF))
    assert "Of these, without a category: 3 items, 100.0%." in text


def test_a_report_of_one_kind_names_that_kind_in_the_titles_and_the_text(minhang_report):
    minhang_report.update(body="npc", kind="community_opinion")
    docx = _docx_text(exports.render(minhang_report, "docx"))
    assert "Report on the handling of the 2017 community opinions" in docx
    assert "received 210 community opinions" in docx and "the deputies have rated" in docx
    assert "2017People'sCongress,Communityopinion:yearlyfigures" in _pdf_text(exports.render(minhang_report, "pdf"))


def test_a_report_of_city_items_names_them(minhang_report):
    minhang_report["kind"] = "city_lead"
    assert draft.title(minhang_report) == "Report on the handling of the 2017 city items led by the district"
    assert "51 city items led by the district were praised by the members" in _text(minhang_report)


@pytest.fixture
def office_client(client, office, settings):
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_the_report_page_takes_a_kind_of_the_body(office_client, district, unit, unit_work):
    city = ItemFactory(district=district, kind="city_lead", review=Item.Review.REGISTERED, state=Item.State.HANDLING)
    assign(city, unit)
    query = {**QUERY, "kind": "city_lead"}
    response = office_client.get(reverse("reports:annual"), query)
    assert response.status_code == 200
    assert response.context["report"]["total"] == 1 and response.context["report"]["kind"] == "city_lead"
    page = response.content.decode()
    assert "City item (lead)" in page and "received 1 city items led by the district" in page
    docx = office_client.get(reverse("reports:annual_export", args=["docx"]), query)
    assert docx["Content-Disposition"] == 'attachment; filename="minhang-2026-cppcc-city_lead.docx"'
    assert "Report on the handling of the 2026 city items led by the district" in _docx_text(docx.content)
    pdf = office_client.get(reverse("reports:annual_export", args=["pdf"]), query)
    assert "2026CPPCC,Cityitem(lead):yearlyfigures" in _pdf_text(pdf.content)
    units = office_client.get(reverse("reports:units_export", args=["csv"]), query)
    assert units["Content-Disposition"].endswith('-cppcc-city_lead-units.csv"')


@pytest.mark.django_db
def test_a_kind_of_another_body_is_a_form_error(office_client, unit_work):
    response = office_client.get(reverse("reports:annual"), {**QUERY, "kind": "community_opinion"})
    assert response.status_code == 200 and "report" not in response.context
    assert response.context["form"].errors["kind"] == ["This kind of item does not belong to that body."]
    assert (
        office_client.get(reverse("reports:annual_export", args=["xlsx"]), {**QUERY, "kind": "suggestion"}).status_code
        == 404
    )
    page = office_client.get(reverse("reports:annual"), QUERY).content.decode()
    assert 'value="city_co"' in page and 'value="community_opinion"' not in page
