"""Deadline fixtures: a fresh calendar index per test, and an item assigned to the unit."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from deadlines import calendar
from tests.factories import ItemFactory
from workflow.models import Assignment


def local(year, month, day, hour=10, minute=0):
    """An aware datetime in the deployment's time zone (Asia/Shanghai)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    # Holiday rows a test adds are rolled back with it; the index and the warnings must not outlive it.
    calendar.invalidate()
    calendar._warned_years.clear()
    yield
    calendar.invalidate()
    calendar._warned_years.clear()


@pytest.fixture(autouse=True)
def _english():
    """Explanations are asserted by their English msgids; one test checks the Chinese wording."""
    with translation.override("en"):
        yield


@pytest.fixture
def item(district):
    return ItemFactory(district=district)


@pytest.fixture
def assign(item, unit):
    """Assign `item` (or another) to `unit` at a local time; returns the Assignment."""

    def make(when, *, to=None, on=None, accepted=None):
        return Assignment.objects.create(
            item=on or item,
            unit=to or unit,
            role=Assignment.Role.LEAD,
            state=Assignment.State.ACCEPTED if accepted else Assignment.State.PENDING,
            assigned_at=when,
            accepted_at=accepted,
        )

    return make
