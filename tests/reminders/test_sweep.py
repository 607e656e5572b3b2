"""The sweep: who is told what, when, and only once."""

import datetime as dt

import pytest

from deadlines.models import DeadlinePolicy
from districts.models import Role
from notifications.models import Notification, NotificationKind
from notifications.reminders import Steps, reminder_points, sweep
from tests.factories import ItemFactory, MembershipFactory, UserFactory
from workflow.models import Obligation

from .conftest import at

pytestmark = pytest.mark.django_db
Kind = NotificationKind
# Due Friday 9 October 2026 (the first working day after National Day is Thursday 8 October).
DUE = dt.date(2026, 10, 9)


def kinds_for(user):
    return sorted(Notification.objects.filter(recipient=user, channel="in_app").values_list("kind", flat=True))


def test_the_reminder_points_follow_the_working_day_calendar(calendar_2026):
    steps = Steps(before=3, head=3, office=5)
    points = reminder_points(DUE, steps, owner="unit", is_key=True)
    assert points == [
        # 3 working days before 9 Oct skips the holiday: 8 Oct, 30 Sep, 29 Sep.
        (dt.date(2026, 9, 29), Kind.BEFORE_DUE),
        (DUE, Kind.DUE_TODAY),
        # Saturday 10 October is a make-up working day.
        (dt.date(2026, 10, 10), Kind.OVERDUE),
        (dt.date(2026, 10, 13), Kind.ESCALATION_HEAD),
        (dt.date(2026, 10, 15), Kind.ESCALATION_OFFICE),
    ]


def test_it_tells_the_unit_handlers_on_the_due_day(calendar_2026, item, handler, second_handler, make_obligation):
    obligation = make_obligation(item, due_on=DUE)
    result = sweep(now=at(DUE, 9, 5))
    assert result.obligations == 1
    assert kinds_for(handler) == [Kind.DUE_TODAY]
    assert kinds_for(second_handler) == [Kind.DUE_TODAY]
    obligation.refresh_from_db()
    assert obligation.next_remind_at == at(dt.date(2026, 10, 10))


def test_a_late_sweep_sends_only_the_latest_stage(calendar_2026, item, handler, make_obligation):
    make_obligation(item, due_on=DUE)
    sweep(now=at(dt.date(2026, 10, 10), 15))
    assert kinds_for(handler) == [Kind.OVERDUE]


def test_running_the_sweep_twice_records_each_notice_once(
    calendar_2026, item, handler, make_obligation, django_capture_on_commit_callbacks, sms, mailoutbox, clock
):
    obligation = make_obligation(item, due_on=DUE)
    clock(at(DUE, 10))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep(now=at(DUE, 10))
        # Someone resets the time (a recomputation): the rows exist, nothing new is recorded.
        Obligation.objects.filter(pk=obligation.pk).update(next_remind_at=at(DUE, 9))
    assert Notification.objects.filter(obligation=obligation).count() == 3  # in-app, email, SMS
    assert len(sms) == 1
    assert len(mailoutbox) == 1


def test_it_reminds_n_working_days_before_as_the_policy_says(calendar_2026, district, item, handler, make_obligation):
    DeadlinePolicy.objects.create(
        district=district, kind="reply", amount=3, unit="months", start="assignment", remind_before=1
    )
    obligation = make_obligation(item, due_on=DUE)
    sweep(now=at(dt.date(2026, 9, 30), 9))
    assert kinds_for(handler) == []
    sweep(now=at(dt.date(2026, 10, 8), 9))
    assert kinds_for(handler) == [Kind.BEFORE_DUE]
    obligation.refresh_from_db()
    assert obligation.next_remind_at == at(DUE)


def test_it_escalates_to_the_head_after_n_and_key_items_to_office_and_leader_after_m(
    calendar_2026, district, unit, handler, head, office, leader, proposer, make_obligation
):
    DeadlinePolicy.objects.create(
        district=district,
        kind="reply",
        amount=3,
        unit="months",
        start="assignment",
        escalate_to_head_after=2,
        escalate_to_office_after=4,
    )
    key = ItemFactory(district=district, is_key=True, supervising_leader=leader)
    plain = ItemFactory(district=district)
    key_obligation = make_obligation(key, due_on=DUE)
    make_obligation(plain, due_on=DUE)

    sweep(now=at(dt.date(2026, 10, 10), 9))  # 1 working day overdue
    assert kinds_for(head) == []
    sweep(now=at(dt.date(2026, 10, 12), 9))  # 2 working days: to the head, for both items
    assert kinds_for(head) == [Kind.ESCALATION_HEAD, Kind.ESCALATION_HEAD]
    assert kinds_for(office) == []
    sweep(now=at(dt.date(2026, 10, 14), 9))  # 4 working days: key item only, to office and leader
    assert kinds_for(office) == [Kind.ESCALATION_OFFICE]
    assert kinds_for(leader) == [Kind.ESCALATION_OFFICE]
    assert Notification.objects.get(recipient=office, channel="in_app").item == key
    key_obligation.refresh_from_db()
    assert key_obligation.next_remind_at is None


def test_without_a_head_the_escalation_goes_to_the_office(calendar_2026, item, handler, office, make_obligation):
    make_obligation(item, due_on=DUE)
    sweep(now=at(dt.date(2026, 10, 13), 9))
    assert kinds_for(office) == [Kind.ESCALATION_HEAD]


def test_proposer_obligations_remind_the_proposers_users(calendar_2026, item, proposer_user, handler, make_obligation):
    make_obligation(item, due_on=DUE, kind="feedback", owner=Obligation.Owner.PROPOSER)
    sweep(now=at(DUE, 9))
    assert kinds_for(proposer_user) == [Kind.DUE_TODAY]
    assert kinds_for(handler) == []


def test_office_obligations_remind_the_office(calendar_2026, item, office, make_obligation):
    make_obligation(item, due_on=DUE, kind="reply", owner=Obligation.Owner.OFFICE)
    sweep(now=at(DUE, 9))
    assert kinds_for(office) == [Kind.DUE_TODAY]


def test_imported_history_never_sends_and_leaves_the_index(calendar_2026, district, handler, make_obligation):
    imported = ItemFactory(district=district, is_imported=True)
    obligation = make_obligation(imported, due_on=DUE)
    sweep(now=at(dt.date(2026, 10, 20), 9))
    assert Notification.objects.count() == 0
    obligation.refresh_from_db()
    assert obligation.next_remind_at is None


def test_fulfilled_and_cancelled_obligations_are_not_swept(calendar_2026, item, handler, make_obligation):
    fulfilled = make_obligation(item, due_on=DUE)
    Obligation.objects.filter(pk=fulfilled.pk).update(fulfilled_at=at(DUE, 8), on_time=True)
    sweep(now=at(dt.date(2026, 10, 20), 9))
    assert Notification.objects.count() == 0


def test_other_units_and_inactive_people_are_not_told(
    calendar_2026, district, item, handler, other_handler, make_obligation
):
    gone = UserFactory(username="gone", is_active=False)
    MembershipFactory(user=gone, role=Role.HANDLER, district=district, unit=handler.memberships.get().unit)
    make_obligation(item, due_on=DUE)
    sweep(now=at(DUE, 9))
    assert kinds_for(other_handler) == []
    assert kinds_for(gone) == []


def test_nothing_is_due_before_the_reminder_time(calendar_2026, item, handler, make_obligation):
    obligation = make_obligation(item, due_on=DUE, next_remind_at=at(DUE, 0, 30))
    sweep(now=at(DUE, 3))
    assert kinds_for(handler) == [Kind.BEFORE_DUE]  # the before point (29 Sep) had passed
    obligation.refresh_from_db()
    assert obligation.next_remind_at == at(DUE)


def test_a_dry_run_lists_and_changes_nothing(calendar_2026, item, handler, make_obligation):
    obligation = make_obligation(item, due_on=DUE)
    before = obligation.next_remind_at
    result = sweep(now=at(DUE, 9), dry_run=True)
    assert [(n.kind, n.recipient_id) for n in result.notices] == [(Kind.DUE_TODAY, handler.pk)]
    assert Notification.objects.count() == 0
    obligation.refresh_from_db()
    assert obligation.next_remind_at == before
