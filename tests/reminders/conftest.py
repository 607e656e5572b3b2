"""Reminder fixtures: obligations built directly, an SMS backend that records, a fixed clock."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from deadlines import calendar
from deadlines.models import CalendarYear
from districts.models import Role
from proposals.models import Item
from tests.factories import ItemFactory, MembershipFactory, UserFactory
from tests.workflow.flow import consult, receive, reply
from workflow.models import Obligation, OutcomeCategory
from workflow.obligations import store_next_due
from workflow.services import assignment, intake

TZ = timezone.get_fixed_timezone(8 * 60)
# A Monday in a plain month, when items assigned through the services start their clocks.
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def at(day, hour=9, minute=0):
    """An aware moment, Shanghai time."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


class RecordingSMSBackend:
    sent = []

    def send(self, phone, template, params, text):
        self.sent.append({"phone": phone, "template": template, "params": params, "text": text})


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SMS_BACKEND = "tests.reminders.conftest.RecordingSMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_TIME = dt.time(9, 0)
    settings.REMINDER_DAYS_BEFORE = 3
    settings.SMS_QUIET_HOURS = (dt.time(21, 0), dt.time(8, 0))
    settings.SITE_URL = "https://jianyi.example.cn"
    RecordingSMSBackend.sent = []


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    """Tasks run in-process even when REDIS_URL names a broker; the real-worker test turns this off."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def sms():
    return RecordingSMSBackend.sent


@pytest.fixture
def calendar_2026(db):
    """National Day 2026 as seeded from the official schedule: 1–7 October off, Saturday 10 October worked."""
    calendar.invalidate()
    assert CalendarYear.objects.filter(year=2026).exists()
    assert not calendar.is_workday(dt.date(2026, 10, 7))
    assert calendar.is_workday(dt.date(2026, 10, 10))


@pytest.fixture
def handler(handler):
    handler.email = "handler@example.cn"
    handler.phone = "13800000001"
    handler.save(update_fields=["email", "phone"])
    return handler


@pytest.fixture
def item(district, proposer):
    return ItemFactory(district=district, number="0042", title="关于加强社区养老服务的建议", lead_proposer=proposer)


@pytest.fixture
def lead(office, proposer, unit, leader):
    """An item received, registered and assigned to `unit` through the services on MONDAY, with its clocks."""
    item = receive(office, proposer, now=MONDAY, number="0007", title="关于完善老旧小区加装电梯的建议")
    item = intake.register_item(actor=office, now=MONDAY, item=item)
    (lead,) = assignment.assign_units(actor=office, now=MONDAY, item=item, lead_units=[unit])
    return lead


@pytest.fixture
def replied(lead, handler, head, office):
    """`lead`'s item answered on MONDAY as A (adopted, followed up until the closing report).

    The proposer's feedback is due Thursday 2 April 2026.
    """
    accepted = assignment.accept_assignment(actor=handler, now=MONDAY, assignment=lead)
    consult(accepted, handler, MONDAY)
    adopted = OutcomeCategory.objects.get(scheme__code="cppcc", code="A")
    reply(accepted, handler=handler, head=head, office=office, category=adopted, now=MONDAY)
    return Item.objects.get(pk=lead.item_id)


@pytest.fixture
def make_obligation(unit):
    def make(item, *, due_on, kind="reply", owner=Obligation.Owner.UNIT, next_remind_at=None, obligation_unit=unit):
        """An open obligation as the workflow leaves it: the row, and the item's stored next due date."""
        obligation = Obligation.objects.create(
            item=item,
            kind=kind,
            owner=owner,
            unit=obligation_unit if owner == Obligation.Owner.UNIT else None,
            starts_on=due_on - dt.timedelta(days=90),
            due_on=due_on,
            next_remind_at=next_remind_at or at(due_on - dt.timedelta(days=10)),
        )
        store_next_due([item.pk])
        return obligation

    return make


@pytest.fixture
def second_handler(district, unit):
    user = UserFactory(username="handler2", full_name="经委联络员", email="h2@example.cn")
    MembershipFactory(user=user, role=Role.HANDLER, district=district, unit=unit)
    return user


@pytest.fixture
def clock():
    """clock(moment): move the time (workers read `timezone.now()`) to `moment`, until the test ends."""
    travellers = []

    def move(moment):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in travellers:
        traveller.stop()
