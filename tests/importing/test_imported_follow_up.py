"""A past item imported still open (domain §7) stands as a live item at its stage: its lead unit
holds it accepted, so the unit's inbox lists the report it still owes and the unit can send it;
a closed past item leaves the unit nothing to do.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from imports.service import run_import
from proposals.models import Item
from workflow.errors import NotFound, WorkflowError
from workflow.models import Assignment, ClosingReport
from workflow.services.closing import submit_closing_report
from workflow.services.followup import report_progress

from .sheets import HEADER_EN, csv_bytes, row

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9))
INBOX = reverse("inbox:inbox")


def import_past(district, office, *, outcome="A", closed="否", planned_on=None):
    """One CPPCC proposal replied in 2025, handled by 区经委 (the `unit` fixture) with 区科委 as co-unit."""
    cells = {
        "number": "2025-001",
        "title": "关于增设社区食堂的提案",
        "body": "提案",
        "year": 2025,
        "proposers": "张委员",
        "lead_units": "区经委",
        "co_units": "区科委",
        "replied_on": "2025-06-30",
        "outcome": outcome,
        "planned_on": planned_on,
        "closed": closed,
    }
    data = csv_bytes(HEADER_EN, [row(**cells)])
    run_import(actor=office, now=NOW, district=district, filename="往年.csv", data=data)
    return Item.objects.get(district=district, number="2025-001")


def inbox_groups(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(INBOX)
    assert response.status_code == 200
    return {g.act: [r.item.number for r in g.rows] for g in response.context["groups"]}


@pytest.mark.django_db
def test_a_past_item_still_open_waits_in_the_lead_units_inbox_and_closes_with_its_report(
    client, district, office, unit, other_unit, handler
):
    item = import_past(district, office)
    assert item.state == Item.State.FOLLOWING_UP
    roles = dict(item.assignments.values_list("role", "state"))
    assert roles == {Assignment.Role.LEAD: Assignment.State.ACCEPTED, Assignment.Role.CO: Assignment.State.DONE}

    assert inbox_groups(client, handler)["closing_report"] == ["2025-001"]

    lead = item.assignments.get(role=Assignment.Role.LEAD)
    response = client.post(reverse("replies:closing_report", args=[lead.pk]), {"text": "社区食堂已建成开放。"})
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.state == Item.State.CLOSED
    assert ClosingReport.objects.get(assignment=lead).text == "社区食堂已建成开放。"
    assert not inbox_groups(client, handler).get("closing_report")


@pytest.mark.django_db
def test_a_past_planned_item_is_followed_up_by_its_lead_unit(district, office, unit, other_unit, handler):
    item = import_past(district, office, outcome="B", planned_on="2026-12-31")
    lead = item.assignments.get(role=Assignment.Role.LEAD)
    report = report_progress(actor=handler, now=NOW, assignment=lead, progress="选址已完成。")
    assert report.reply.assignment == lead
    # Its next progress report is owed on the lead's (accepted) assignment, as for a live item.
    assert item.obligations.open().get().assignment == lead


@pytest.mark.django_db
def test_another_units_handler_cannot_report_on_the_imported_item(district, office, unit, other_unit, other_handler):
    item = import_past(district, office)
    lead = item.assignments.get(role=Assignment.Role.LEAD)
    with pytest.raises(NotFound):
        submit_closing_report(actor=other_handler, now=NOW, assignment=lead, text="结案")
    assert not ClosingReport.objects.exists()


@pytest.mark.django_db
def test_a_closed_past_item_leaves_its_units_done_and_nothing_in_the_inbox(
    client, district, office, unit, other_unit, handler
):
    item = import_past(district, office, closed="是")
    assert item.state == Item.State.CLOSED
    assert set(item.assignments.values_list("state", flat=True)) == {Assignment.State.DONE}
    assert all(not rows for rows in inbox_groups(client, handler).values())
    lead = item.assignments.get(role=Assignment.Role.LEAD)
    with pytest.raises(WorkflowError):
        submit_closing_report(actor=handler, now=NOW, assignment=lead, text="结案")
