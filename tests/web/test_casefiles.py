"""The case file (一案一册): everything of an item for its district's office and leaders, printable, as a PDF,
and a list's bundle built by a worker with its progress."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from casefiles.content import case_files
from casefiles.models import CaseFileBundle
from tests.workflow.flow import consult, receive, reply
from workflow.models import OutcomeCategory
from workflow.services import assignment, intake

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch, settings, tmp_path):
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def handled(office, proposer, unit, handler, head, number="0001", title="关于加强社区养老服务的建议"):
    item = receive(office, proposer, now=NOW, number=number, title=title, text="建议增设社区食堂。")
    intake.register_item(actor=office, now=NOW, item=item)
    (lead,) = assignment.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])
    lead = assignment.accept_assignment(actor=handler, now=NOW, assignment=lead)
    consult(lead, handler, NOW)
    adopted = OutcomeCategory.objects.get(scheme__code="cppcc", code="A")
    reply(lead, handler=handler, head=head, office=office, category=adopted, now=NOW)
    return item


@pytest.fixture
def item(office, proposer, unit, handler, head):
    return handled(office, proposer, unit, handler, head)


@pytest.fixture
def as_office(client, office):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office)
    return client


def test_the_printable_case_file_holds_the_text_units_reply_approvals_and_timeline(as_office, item):
    response = as_office.get(reverse("casefiles:item", args=[item.pk]))
    assert response.status_code == 200
    text = response.text
    for expected in (
        "关于加强社区养老服务的建议",
        "建议增设社区食堂。",
        "区经委",
        "经研究，答复如下",
        "Approved by the head",
    ):
        assert expected in text, expected
    assert "Timeline" in text and text.count("<li><time") >= 6


def test_the_pdf_holds_the_same_in_chinese(client, office, item):
    client.force_login(office)  # the product's default language
    response = client.get(reverse("casefiles:item_pdf", args=[item.pk]))
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "".join(page.extract_text() for page in pages).replace("\x00", "")  # the CJK font's two-byte codes
    assert "关于加强社区养老服务的建议" in text and "区经委" in text


@pytest.mark.parametrize(
    ("who", "status"), [("handler", 403), ("head", 403), ("proposer_user", 403), ("outsider", 404)]
)
def test_only_the_districts_office_and_leaders_read_it(client, request, item, who, status):
    """Who sees the item (its unit, its proposer) is refused; another district is told it is not found."""
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("casefiles:item", args=[item.pk])).status_code == status
    assert client.get(reverse("casefiles:item_pdf", args=[item.pk])).status_code == status


def test_a_leader_reads_it_and_the_item_page_links_it(client, leader, item):
    client.force_login(leader)
    assert client.get(reverse("casefiles:item", args=[item.pk])).status_code == 200
    assert reverse("casefiles:item", args=[item.pk]) in client.get(reverse("items:detail", args=[item.pk])).text


def test_reading_case_files_costs_the_same_for_one_item_and_for_many(office, proposer, unit, handler, head, item):
    def queries(ids):
        with CaptureQueriesContext(connection) as captured:
            assert len(case_files(office, ids)) == len(ids)
        return len(captured)

    more = [handled(office, proposer, unit, handler, head, number=f"00{n}", title=f"建议{n}").pk for n in range(10, 14)]
    assert queries([item.pk]) == queries([item.pk, *more])


def test_a_bundle_of_the_filtered_list_is_built_with_its_progress_and_downloaded(
    as_office, office, proposer, unit, handler, head, item, django_capture_on_commit_callbacks
):
    other = handled(office, proposer, unit, handler, head, number="0002", title="关于规范共享单车停放的建议")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_office.post(reverse("casefiles:bundle_new"), {"query": "year=2026&q=共享单车"})
    bundle = CaseFileBundle.objects.get()
    assert response.url == reverse("casefiles:bundle", args=[bundle.pk])
    assert (bundle.item_ids, bundle.state, bundle.done) == ([other.pk], "ready", 1)
    page = as_office.get(response.url).text
    assert "The case file of 1 item is ready." in page
    download = as_office.get(reverse("casefiles:bundle_download", args=[bundle.pk]))
    pages = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages
    text = "".join(p.extract_text() for p in pages).replace("\x00", "")
    assert "共享单车" in text and "养老" not in text


def test_a_bundle_in_progress_says_how_far_it_is_and_asks_again(as_office, office, item):
    bundle = CaseFileBundle.objects.create(
        requested_by=office,
        requested_at=NOW,
        item_ids=[item.pk, item.pk + 1000],
        language="en",
        state="building",
        done=1,
    )
    page = as_office.get(reverse("casefiles:bundle", args=[bundle.pk]), HTTP_HX_REQUEST="true").text
    assert "1 of 2 items" in page and 'hx-trigger="every 2s"' in page
    assert as_office.get(reverse("casefiles:bundle_download", args=[bundle.pk])).status_code == 404


def test_someone_elses_bundle_is_not_found(client, office, leader, item):
    bundle = CaseFileBundle.objects.create(requested_by=office, requested_at=NOW, item_ids=[item.pk], language="en")
    client.force_login(leader)
    assert client.get(reverse("casefiles:bundle", args=[bundle.pk])).status_code == 404


def test_a_unit_may_not_ask_for_a_bundle(client, handler, item):
    client.force_login(handler)
    assert client.post(reverse("casefiles:bundle_new"), {"query": ""}).status_code == 403
    assert not CaseFileBundle.objects.exists()
