"""Two imports of the same numbers at once (issue #19), on PostgreSQL with two real connections.

Both pass the duplicate check before either writes (a barrier after the preview's validation
holds them there); the loser's insert then waits on the winner's new rows and fails on the
unique number when the winner commits. It is answered with the designed "imported meanwhile"
refusal, never a 500, and leaves nothing of its own behind.
"""

import datetime as dt
import threading
import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from districts.models import HandlingUnit
from imports import service
from imports.errors import ImportRejected
from proposals.models import Item
from tests.concurrency import race
from tests.conftest import BrowserClient
from tests.factories import UnitFactory
from workflow.defaults import install_defaults
from workflow.models import Assignment, Event, OutcomeCategory, OutcomeScheme, RatingScale, RatingValue, Reply

from .sheets import HEADER_EN, csv_bytes, row

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.services]

MEANWHILE = "Some of these numbers were imported meanwhile; try again."
UPLOAD = reverse("imports:import")
CONFIRM = reverse("imports:import_confirm")
NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9))


@pytest.fixture(autouse=True)
def _default_schemes(transactional_db):
    """A transactional test flushes the tables, data migrations included; put the schemes back."""
    install_defaults(OutcomeScheme, OutcomeCategory, RatingScale, RatingValue)


@pytest.fixture
def traffic(district):
    """The lead unit exists already: the first row both imports insert is the item, through COPY."""
    return UnitFactory(district=district, name="区交通委")


@pytest.fixture
def validated_together(monkeypatch):
    """Every import waits after its validation until the other one has validated too."""
    barrier = threading.Barrier(2, timeout=20)
    plan = service.plan_import

    def plan_then_wait(**kwargs):
        result = plan(**kwargs)
        barrier.wait()
        return result

    monkeypatch.setattr(service, "plan_import", plan_then_wait)


def past_row(number="0001", title="关于公交线路的提案"):
    cells = {"number": number, "title": title, "body": "提案", "year": 2017, "lead_units": "区交通委"}
    return row(**cells, replied_on="2017-05-02", outcome="A", closed="是")


def importing(district, office, data, name):
    def run():
        with translation.override("en"):  # the thread's own language: the conftest's is the test thread's
            return service.run_import(actor=office, now=NOW, district=district, filename=name, data=data)

    return run


def assert_only_the_winners_rows(district, title):
    item = Item.objects.get(district=district)
    assert item.title == title
    assert Assignment.objects.get().item == item and Reply.objects.get().assignment.item == item
    assert list(Event.objects.values_list("item", "action")) == [(item.pk, "item.imported")]
    assert HandlingUnit.objects.filter(district=district).count() == 1


@pytest.mark.parametrize(
    "titles",
    [("关于公交线路的提案", "关于公交线路的提案"), ("关于公交线路的提案", "关于增设公交站点的提案")],
    ids=["the same file twice", "two files with the same number"],
)
def test_the_import_that_loses_the_race_is_refused_as_imported_meanwhile(
    district, office, traffic, validated_together, titles
):
    files = [csv_bytes(HEADER_EN, [past_row(title=t)]) for t in titles]
    results = race(*(importing(district, office, data, f"{i}.csv") for i, data in enumerate(files)))

    winners = [r for r in results if isinstance(r, service.ImportPlan)]
    losers = [r for r in results if isinstance(r, ImportRejected)]
    assert (len(winners), len(losers)) == (1, 1), [getattr(r, "errors", r) for r in results]
    assert [e.message for e in losers[0].errors] == [MEANWHILE]
    assert_only_the_winners_rows(district, winners[0].rows[0].title)


def preview(client, district):
    """Upload the file and return the preview's import token."""
    data = csv_bytes(HEADER_EN, [past_row()])
    response = client.post(UPLOAD, {"district": district.pk, "file": SimpleUploadedFile("2017.csv", data)})
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.context["confirm_form"].initial["token"]


def same_session(client):
    """A second browser tab: another client with the first one's session and language."""
    tab = BrowserClient()
    for name in (settings.SESSION_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME):
        tab.cookies[name] = client.cookies[name].value
    return tab


def office_browser(client, office):
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_two_tabs_confirming_the_same_preview_at_once_import_it_once(
    client, district, office, traffic, validated_together
):
    client = office_browser(client, office)
    token = preview(client, district)
    tab = same_session(client)

    responses = race(
        *(lambda c=c: c.post(CONFIRM, {"token": token, "submit_token": str(uuid.uuid4())}) for c in (client, tab))
    )

    assert sorted(r.status_code for r in responses) == [302, 400], responses
    refused = next(r for r in responses if r.status_code == 400)
    assert MEANWHILE in refused.content.decode()
    assert_only_the_winners_rows(district, "关于公交线路的提案")


def test_a_double_click_on_confirm_answers_twice_like_the_first(client, district, office, traffic):
    client = office_browser(client, office)
    token = preview(client, district)
    tab = same_session(client)
    click = {"token": token, "submit_token": str(uuid.uuid4())}

    responses = race(lambda: client.post(CONFIRM, click), lambda: tab.post(CONFIRM, click))

    assert [r.status_code for r in responses] == [302, 302], responses
    assert {r["Location"] for r in responses} == {reverse("imports:import_done")}
    assert Item.objects.filter(district=district).count() == 1
