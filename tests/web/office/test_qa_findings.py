"""What a new clerk walking the demo found confusing, kept fixed.

- The dashboard opens on the first body with items (NPC in the demo) while the demo's waiting work
  is all CPPCC: every "waiting for the office" count read 0. It now names the other body's items
  waiting at intake, with a link to that body's dashboard.
- The demo's item to review had no similar item to show (its title shared too few character pairs
  with the seeded titles), so the review's merge hints could not be seen on the demo.
"""

from html import escape

import pytest
from django.conf import settings
from django.urls import reverse

from demo.people import TITLES
from demo.worklist import WORK
from districts.models import Body
from tests.workflow.conftest import NOW
from tests.workflow.flow import receive
from web.office.intake.similar import THRESHOLD, _pairs, core_of
from workflow.services import intake

pytestmark = pytest.mark.django_db


def _dashboard(client, user, query=""):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("dashboard:index") + query)


def test_the_dashboard_names_the_other_bodys_items_waiting_at_intake(client, office, proposer):
    receive(office, proposer, now=NOW, number="0001", title="收到的提案")
    registered = receive(office, proposer, now=NOW, number="0002", title="立案的提案")
    intake.register_item(actor=office, now=NOW, item=registered)
    deputy_item = receive(office, proposer, now=NOW, number="0003", title="建议", body="npc", kind="suggestion")
    intake.register_item(actor=office, now=NOW, item=deputy_item)

    response = _dashboard(client, office, "?body=npc&year=2026")
    assert response.status_code == 200
    page = response.content.decode()
    assert "CPPCC: 1 to review, 1 to assign" in page
    link = f"{reverse('dashboard:index')}?district={proposer.district.pk}&amp;year=2026&amp;body=cppcc"
    assert link in page

    followed = _dashboard(client, office, "?body=cppcc&year=2026")
    assert followed.context["body"] == "cppcc"
    assert escape(f"{Body.NPC.label}: 0 to review, 1 to assign") in followed.content.decode()

    nothing_elsewhere = _dashboard(client, office, "?body=cppcc&year=2025")
    assert "dash-elsewhere" not in nothing_elsewhere.content.decode()


def test_the_demos_first_item_to_review_has_a_similar_seeded_item():
    to_review = [work.title for work in WORK if work.stop is None]
    seeded = [title for titles in TITLES.values() for title in titles]
    wanted = _pairs(core_of(to_review[0]))
    best = max(len(wanted & _pairs(title)) / len(wanted) for title in seeded)
    assert best >= THRESHOLD
