"""Obligations over time: fulfilment, cancellation, extension, recomputation, lists."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from deadlines.models import DeadlinePolicy, Holiday, ObligationKind, PeriodStart, PeriodUnit
from deadlines.rules import explain
from proposals.models import Item
from tests.factories import ItemFactory
from workflow.errors import WorkflowError
from workflow.models import Event, Obligation
from workflow.obligations import (
    cancel_obligations,
    extend_reply,
    fulfil_obligations,
    max_extended_due,
    open_obligation,
    recompute_open_obligations,
    with_deadlines,
)

from .conftest import local

D = dt.date
K = ObligationKind


@pytest.fixture
def assigned(item, assign):
    """An item assigned on 30 September 2026: acceptance due 13 October, reply due 30 December."""
    assignment = assign(local(2026, 9, 30))
    now = local(2026, 9, 30)
    open_obligation(item=item, kind=K.ACCEPTANCE, now=now, assignment=assignment)
    open_obligation(item=item, kind=K.REPLY, now=now, assignment=assignment)
    return assignment


def obligation(assignment, kind):
    return Obligation.objects.get(assignment=assignment, kind=kind)


def test_fulfilling_on_the_due_date_in_shanghai_is_on_time(item, assigned):
    # 23:30 in Shanghai on the due date; already the next day nowhere that matters.
    with time_machine.travel(local(2026, 10, 13, 23, 30), tick=False):
        done = fulfil_obligations(item=item, kinds=[K.ACCEPTANCE], now=timezone.now(), assignment=assigned)
    acceptance = obligation(assigned, K.ACCEPTANCE)
    assert done == 1
    assert (acceptance.on_time, acceptance.next_remind_at) == (True, None)
    assert obligation(assigned, K.REPLY).fulfilled_at is None


def test_fulfilling_after_midnight_in_shanghai_is_late_though_utc_is_still_on_the_due_date(item, assigned):
    with time_machine.travel(local(2026, 10, 14, 0, 10), tick=False):
        assert timezone.now().astimezone(dt.UTC).date() == D(2026, 10, 13)
        fulfil_obligations(item=item, kinds=[K.ACCEPTANCE], now=timezone.now())
    assert obligation(assigned, K.ACCEPTANCE).on_time is False


def test_on_time_stays_frozen_when_the_calendar_later_changes(item, assigned):
    fulfil_obligations(item=item, kinds=[K.ACCEPTANCE], now=local(2026, 10, 13, 15))
    Holiday.objects.create(date=D(2026, 10, 12), name="测试")
    recompute_open_obligations(now=local(2026, 10, 14))
    acceptance = obligation(assigned, K.ACCEPTANCE)
    assert (acceptance.due_on, acceptance.on_time) == (D(2026, 10, 13), True)
    assert fulfil_obligations(item=item, kinds=[K.ACCEPTANCE], now=local(2026, 10, 20)) == 0


def test_fulfilling_matches_the_round(item, assign):
    assignment = assign(local(2026, 3, 2))
    open_obligation(item=item, kind=K.REHANDLING_REPLY, now=local(2026, 6, 10), assignment=assignment, round=2)
    assert fulfil_obligations(item=item, kinds=[K.REHANDLING_REPLY], now=local(2026, 6, 20), round=3) == 0
    assert fulfil_obligations(item=item, kinds=[K.REHANDLING_REPLY], now=local(2026, 6, 20), round=2) == 1


def test_cancelling_a_returned_assignment_lets_the_new_unit_owe_the_same_kinds(item, assigned, assign, other_unit):
    assert cancel_obligations(item=item, now=local(2026, 10, 9), assignment=assigned) == 2
    assert Obligation.objects.filter(cancelled_at__isnull=False, next_remind_at__isnull=True).count() == 2
    assigned.state, assigned.returned_at, assigned.return_reason = "returned", local(2026, 10, 9), "不属本单位职责"
    assigned.save()
    again = assign(local(2026, 10, 10), to=other_unit)
    acceptance = open_obligation(item=item, kind=K.ACCEPTANCE, now=local(2026, 10, 10), assignment=again)
    # The new unit's clock starts at the reassignment (a make-up Saturday): 12-16 October.
    assert (acceptance.unit, acceptance.due_on) == (other_unit, D(2026, 10, 16))


def test_the_extension_limit_is_six_months_after_assignment_on_a_working_day(assign):
    assert max_extended_due(assign(local(2026, 4, 1))) == D(2026, 10, 8)  # 1 October is National Day


def test_the_extension_limit_follows_the_extended_reply_policy(item, assign):
    DeadlinePolicy.objects.create(
        district=item.district,
        kind=K.EXTENDED_REPLY,
        amount=4,
        unit=PeriodUnit.MONTHS,
        start=PeriodStart.ASSIGNMENT,
    )
    assert max_extended_due(assign(local(2026, 3, 2))) == D(2026, 7, 2)


def test_an_extension_moves_the_reply_and_is_recorded(item, assigned, office):
    reply = extend_reply(assignment=assigned, until=D(2027, 2, 26), now=local(2026, 12, 1), actor=office)
    assert (reply.due_on, reply.provisional) == (D(2027, 2, 26), True)
    assert reply.next_remind_at == local(2027, 2, 23, 9)
    event = Event.objects.get(action="deadline.extended")
    assert (event.item, event.assignment, event.actor, event.at) == (item, assigned, office, local(2026, 12, 1))
    assert event.data == {
        "obligation": reply.pk,
        "kind": "reply",
        "old": "2026-12-30",
        "new": "2027-02-26",
        "limit": "2027-03-30",
    }
    assert explain(reply).startswith(
        "assignment 2026-09-30 + 3 months = 2026-12-30 (working day); extended to 2027-02-26 (at most 2027-03-30)"
    )


def test_an_extension_past_six_months_is_refused(assigned):
    with pytest.raises(WorkflowError) as refused:
        extend_reply(assignment=assigned, until=D(2027, 3, 31), now=local(2026, 12, 1))
    assert refused.value.code == "extension_too_long"
    assert "2027-03-30" in str(refused.value)
    assert obligation(assigned, K.REPLY).due_on == D(2026, 12, 30)
    assert not Event.objects.exists()


def test_an_extension_must_be_later_than_the_current_due_date(assigned):
    with pytest.raises(WorkflowError) as refused:
        extend_reply(assignment=assigned, until=D(2026, 12, 30), now=local(2026, 12, 1))
    assert refused.value.code == "extension_not_later"


def test_an_extension_needs_an_open_reply(item, assigned):
    fulfil_obligations(item=item, kinds=[K.REPLY], now=local(2026, 12, 1))
    with pytest.raises(WorkflowError) as refused:
        extend_reply(assignment=assigned, until=D(2027, 1, 29), now=local(2026, 12, 2))
    assert refused.value.code == "no_open_reply"


def test_a_new_holiday_moves_open_deadlines_and_records_each_move(item, assigned, district, assign, city_admin):
    done_item = ItemFactory(district=district)
    done = assign(local(2026, 9, 30), on=done_item)
    open_obligation(item=done_item, kind=K.REPLY, now=local(2026, 9, 30), assignment=done)
    fulfil_obligations(item=done_item, kinds=[K.REPLY], now=local(2026, 12, 1))

    Holiday.objects.create(date=D(2026, 12, 30), name="测试假日")
    moved = recompute_open_obligations(now=local(2026, 12, 1), actor=city_admin)

    reply = obligation(assigned, K.REPLY)
    assert moved == 1
    # Three working days before 31 December, now that 30 December is off: 29, 28 and 25 December.
    assert (reply.due_on, reply.next_remind_at) == (D(2026, 12, 31), local(2026, 12, 25, 9))
    assert obligation(done, K.REPLY).due_on == D(2026, 12, 30)
    event = Event.objects.get(action="deadline.moved")
    assert (event.item, event.assignment, event.actor) == (item, assigned, city_admin)
    assert (event.data["old"], event.data["new"], event.data["kind"]) == ("2026-12-30", "2026-12-31", "reply")
    assert explain(reply) == "assignment 2026-09-30 + 3 months = 2026-12-30, not a working day, so 2026-12-31"


def test_recomputing_twice_moves_once(item, assigned):
    Holiday.objects.create(date=D(2026, 12, 30), name="测试假日")
    assert recompute_open_obligations(now=local(2026, 12, 1)) == 1
    assert recompute_open_obligations(now=local(2026, 12, 1)) == 0
    assert Event.objects.filter(action="deadline.moved").count() == 1


def test_recomputing_moves_every_item_chunk_by_chunk(item, assigned, district, assign, monkeypatch):
    monkeypatch.setattr("workflow.obligations.RECOMPUTE_CHUNK", 2)  # the items are locked a chunk at a time
    for other in [ItemFactory(district=district) for _ in range(4)]:
        assigned_on = local(2026, 9, 30)
        open_obligation(item=other, kind=K.REPLY, now=assigned_on, assignment=assign(assigned_on, on=other))
    Holiday.objects.create(date=D(2026, 12, 30), name="测试假日")
    assert recompute_open_obligations(now=local(2026, 12, 1)) == 5
    assert set(Obligation.objects.filter(kind=K.REPLY).values_list("due_on", flat=True)) == {D(2026, 12, 31)}
    assert Event.objects.filter(action="deadline.moved").count() == 5


def test_an_extended_date_is_kept_when_the_calendar_changes(item, assigned):
    extend_reply(assignment=assigned, until=D(2027, 2, 26), now=local(2026, 12, 1))
    Holiday.objects.create(date=D(2027, 2, 26), name="测试")
    assert recompute_open_obligations(now=local(2026, 12, 2)) == 0
    assert obligation(assigned, K.REPLY).due_on == D(2027, 2, 26)


@pytest.fixture
def overdue_list(district, assign):
    """Three items: one overdue across National Day, one not due yet, one with nothing open."""

    def make():
        late, current, finished = (ItemFactory(district=district) for _ in range(3))
        open_obligation(
            item=late, kind=K.ACCEPTANCE, now=local(2026, 9, 22), assignment=assign(local(2026, 9, 22), on=late)
        )
        open_obligation(
            item=current, kind=K.REPLY, now=local(2026, 9, 30), assignment=assign(local(2026, 9, 30), on=current)
        )
        open_obligation(item=current, kind=K.ACCEPTANCE, now=local(2026, 9, 30), assignment=current.assignments.get())
        old = assign(local(2026, 9, 1), on=finished)
        open_obligation(item=finished, kind=K.ACCEPTANCE, now=local(2026, 9, 1), assignment=old)
        fulfil_obligations(item=finished, kinds=[K.ACCEPTANCE], now=local(2026, 9, 10))
        return late, current, finished

    return make


def test_items_are_annotated_with_their_earliest_open_deadline(overdue_list):
    late, current, finished = overdue_list()
    rows = {row.pk: row for row in with_deadlines(Item.objects.all(), today=D(2026, 10, 10))}
    # late: acceptance due 30 September (25 September is Mid-Autumn); overdue 8, 9 and 10 (make-up Saturday) October.
    assert rows[late.pk].earliest_due_on == D(2026, 9, 30)
    assert (rows[late.pk].is_overdue, rows[late.pk].overdue_workdays) == (True, 3)
    assert rows[current.pk].earliest_due_on == D(2026, 10, 13)
    assert (rows[current.pk].is_overdue, rows[current.pk].overdue_workdays) == (False, 0)
    assert rows[finished.pk].earliest_due_on is None
    assert (rows[finished.pk].is_overdue, rows[finished.pk].overdue_workdays) == (False, 0)


def test_the_deadline_list_costs_one_query_however_many_items(overdue_list, django_assert_num_queries):
    overdue_list()
    # The items with their annotations; days overdue are counted from each row's stored date.
    with django_assert_num_queries(1):
        few = list(with_deadlines(Item.objects.all(), today=D(2026, 10, 10)))
    overdue_list()
    overdue_list()
    with django_assert_num_queries(1):
        rows = list(with_deadlines(Item.objects.filter(is_key=False), today=D(2026, 10, 10)))
    assert len(rows) == len(few) + 6
    assert sorted(row.overdue_workdays for row in rows)[-4:] == [0, 3, 3, 3]
