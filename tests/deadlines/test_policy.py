"""Due dates from policy: the §4 defaults, month ends, fixed session dates, fallbacks, reminders."""

import datetime as dt
import logging

import pytest
from django.utils import translation

from deadlines import calendar
from deadlines.models import DeadlinePolicy, ObligationKind, PeriodStart, PeriodUnit
from deadlines.rules import add_months, explain
from tests.factories import ItemFactory, SessionFactory, UnitFactory
from workflow.models import Obligation
from workflow.obligations import open_obligation

from .conftest import local

D = dt.date
K = ObligationKind


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2026, 9, 30), 3, D(2026, 12, 30)),
        (D(2026, 12, 31), 6, D(2027, 6, 30)),
    ],
)
def test_calendar_months_clamp_to_the_end_of_the_month(start, months, end):
    assert add_months(start, months) == end


def test_a_reply_is_due_three_months_after_assignment(item, assign):
    assignment = assign(local(2026, 9, 30))
    reply = open_obligation(item=item, kind=K.REPLY, now=local(2026, 9, 30), assignment=assignment)
    assert (reply.starts_on, reply.due_on, reply.provisional) == (D(2026, 9, 30), D(2026, 12, 30), False)
    assert (reply.owner, reply.unit) == (Obligation.Owner.UNIT, assignment.unit)
    assert reply.calendar_version == calendar.calendar_version()
    assert explain(reply) == "assignment 2026-09-30 + 3 months = 2026-12-30 (working day)"
    with translation.override("zh-hans"):
        assert explain(reply) == "交办 2026-09-30 + 3 个月 = 2026-12-30（工作日）"


def test_the_clock_starts_on_the_local_date_of_the_assignment(item, assign):
    # 1 October 2026, 07:00 in Shanghai is still 30 September in UTC.
    assignment = assign(local(2026, 10, 1, 7))
    reply = open_obligation(item=item, kind=K.REPLY, now=local(2026, 10, 1, 7), assignment=assignment)
    assert reply.starts_on == D(2026, 10, 1)


def test_a_month_end_clamped_into_a_make_up_saturday_is_due_that_saturday(item, assign):
    # 30 November 2025 + 3 months = 28 February 2026, a Saturday worked after Spring Festival.
    assignment = assign(local(2025, 11, 30))
    reply = open_obligation(item=item, kind=K.REPLY, now=local(2025, 11, 30), assignment=assignment)
    assert reply.due_on == D(2026, 2, 28)


def test_thirty_first_january_plus_one_month_is_the_end_of_february(item, assign):
    assignment = assign(local(2025, 1, 31))
    opinion = open_obligation(item=item, kind=K.CO_OPINION, now=local(2025, 1, 31), assignment=assignment)
    assert opinion.due_on == D(2025, 2, 28)


def test_a_due_date_on_a_holiday_moves_to_the_next_working_day(item, assign):
    assignment = assign(local(2026, 7, 1))
    reply = open_obligation(item=item, kind=K.REPLY, now=local(2026, 7, 1), assignment=assignment)
    assert reply.due_on == D(2026, 10, 8)
    assert explain(reply) == "assignment 2026-07-01 + 3 months = 2026-10-01, not a working day, so 2026-10-08"


def test_acceptance_counts_five_working_days_over_national_day(item, assign):
    assignment = assign(local(2026, 9, 30))
    acceptance = open_obligation(item=item, kind=K.ACCEPTANCE, now=local(2026, 9, 30), assignment=assignment)
    assert acceptance.due_on == D(2026, 10, 13)
    assert explain(acceptance) == "assignment 2026-09-30 + 5 working days = 2026-10-13"


def test_consultation_counts_fifteen_working_days_from_acceptance(item, assign):
    assignment = assign(local(2025, 9, 20), accepted=local(2025, 9, 26))
    consultation = open_obligation(item=item, kind=K.CONSULTATION, now=local(2025, 9, 26), assignment=assignment)
    # 28 Sep (make-up Sunday), 29, 30; 1-8 Oct off; 9, 10, 11 (make-up Saturday), 13-17, 20-23.
    assert consultation.starts_on == D(2025, 9, 26)
    assert consultation.due_on == D(2025, 10, 23)
    assert explain(consultation) == "acceptance 2025-09-26 + 15 working days = 2025-10-23"


def test_feedback_is_owed_by_the_proposer_one_month_after_the_reply_is_sent(item, assign):
    assignment = assign(local(2026, 3, 2))
    feedback = open_obligation(
        item=item, kind=K.FEEDBACK, now=local(2026, 4, 30, 16), assignment=assignment, starts_on=D(2026, 4, 30)
    )
    assert (feedback.owner, feedback.unit) == (Obligation.Owner.PROPOSER, None)
    assert feedback.due_on == D(2026, 6, 1)  # 30 May is a Saturday
    assert explain(feedback) == "reply sent 2026-04-30 + 1 month = 2026-05-30, not a working day, so 2026-06-01"


def test_re_handling_is_due_one_month_after_the_disagreement(item, assign):
    assignment = assign(local(2026, 3, 2))
    again = open_obligation(item=item, kind=K.REHANDLING_REPLY, now=local(2026, 6, 10), assignment=assignment, round=2)
    assert (again.round, again.starts_on, again.due_on) == (2, D(2026, 6, 10), D(2026, 7, 10))
    assert again.rule["start"] == PeriodStart.DISAGREEMENT


def test_follow_up_takes_the_category_cadence(item, assign):
    assignment = assign(local(2026, 3, 2))
    monthly = open_obligation(
        item=item, kind=K.FOLLOW_UP, now=local(2026, 6, 10), assignment=assignment, follow_up="monthly"
    )
    quarterly = open_obligation(
        item=item, kind=K.FOLLOW_UP, now=local(2026, 6, 10), assignment=assignment, follow_up="quarterly"
    )
    assert (monthly.due_on, quarterly.due_on) == (D(2026, 7, 10), D(2026, 9, 10))


def test_a_session_fixed_date_applies_to_its_items_only(district, unit, assign):
    session = SessionFactory(district=district)
    between = SessionFactory(district=district, number=0, label="七届一次闭会期间")
    DeadlinePolicy.objects.create(
        district=district, body="cppcc", session=session, kind=K.REPLY, fixed_date=D(2026, 6, 30)
    )
    in_session = ItemFactory(district=district, session=session)
    later = ItemFactory(district=district, session=between)
    now = local(2026, 2, 10)
    fixed = open_obligation(item=in_session, kind=K.REPLY, now=now, assignment=assign(now, on=in_session))
    relative = open_obligation(item=later, kind=K.REPLY, now=now, assignment=assign(now, on=later))
    assert (fixed.due_on, relative.due_on) == (D(2026, 6, 30), D(2026, 5, 11))
    assert fixed.rule["source"] == "session"
    assert explain(fixed) == "assignment 2026-02-10, fixed due date 2026-06-30"


def test_a_fixed_date_already_past_gives_way_to_the_relative_period(district, assign):
    session = SessionFactory(district=district)
    DeadlinePolicy.objects.create(
        district=district, body="cppcc", session=session, kind=K.REPLY, fixed_date=D(2026, 6, 30)
    )
    item = ItemFactory(district=district, session=session)
    now = local(2026, 7, 6)
    reply = open_obligation(item=item, kind=K.REPLY, now=now, assignment=assign(now, on=item))
    assert (reply.due_on, reply.rule["source"]) == (D(2026, 10, 8), "default")


def test_the_body_policy_wins_over_the_district_policy_which_wins_over_the_default(district, other_district, assign):
    DeadlinePolicy.objects.create(
        district=district, kind=K.ACCEPTANCE, amount=3, unit=PeriodUnit.WORKING_DAYS, start=PeriodStart.ASSIGNMENT
    )
    DeadlinePolicy.objects.create(
        district=district,
        body="npc",
        kind=K.ACCEPTANCE,
        amount=10,
        unit=PeriodUnit.CALENDAR_DAYS,
        start=PeriodStart.ASSIGNMENT,
    )
    now = local(2026, 3, 2)
    proposal = ItemFactory(district=district, body="cppcc")
    suggestion = ItemFactory(district=district, body="npc")
    elsewhere = ItemFactory(district=other_district)
    far_unit = UnitFactory(district=other_district)
    by_district = open_obligation(item=proposal, kind=K.ACCEPTANCE, now=now, assignment=assign(now, on=proposal))
    by_body = open_obligation(item=suggestion, kind=K.ACCEPTANCE, now=now, assignment=assign(now, on=suggestion))
    by_default = open_obligation(
        item=elsewhere, kind=K.ACCEPTANCE, now=now, assignment=assign(now, on=elsewhere, to=far_unit)
    )
    assert (by_district.due_on, by_district.rule["source"]) == (D(2026, 3, 5), "district")
    assert (by_body.due_on, by_body.rule["source"]) == (D(2026, 3, 12), "body")
    assert (by_default.due_on, by_default.rule["source"]) == (D(2026, 3, 9), "default")
    assert explain(by_body) == "assignment 2026-03-02 + 10 days = 2026-03-12 (working day)"


def test_a_due_date_in_a_year_without_data_is_provisional_and_never_raises(item, assign, caplog):
    caplog.set_level(logging.WARNING, logger="deadlines.calendar")
    assignment = assign(local(2026, 10, 15))
    reply = open_obligation(item=item, kind=K.REPLY, now=local(2026, 10, 15), assignment=assignment)
    assert (reply.due_on, reply.provisional) == (D(2027, 1, 15), True)
    assert "2027" in caplog.text
    assert explain(reply) == (
        "assignment 2026-10-15 + 3 months = 2027-01-15 (working day); "
        "provisional: counted Monday to Friday until the official holidays are loaded"
    )


def test_the_reminder_is_at_nine_three_working_days_before_the_due_date(item, assign):
    assignment = assign(local(2026, 9, 30))
    reply = open_obligation(item=item, kind=K.REPLY, now=local(2026, 9, 30), assignment=assignment)
    assert reply.next_remind_at == local(2026, 12, 25, 9)
    acceptance = open_obligation(item=item, kind=K.ACCEPTANCE, now=local(2026, 9, 30), assignment=assignment)
    # Due 13 October; counted back over the make-up Saturday: 12, 10 and 9 October.
    assert acceptance.next_remind_at == local(2026, 10, 9, 9)


def test_a_reminder_time_already_past_is_now(item, assign):
    DeadlinePolicy.objects.create(
        district=item.district, kind=K.ACCEPTANCE, amount=2, unit=PeriodUnit.WORKING_DAYS, start=PeriodStart.ASSIGNMENT
    )
    now = local(2026, 3, 2, 15)
    acceptance = open_obligation(item=item, kind=K.ACCEPTANCE, now=now, assignment=assign(now))
    assert acceptance.due_on == D(2026, 3, 4)
    assert acceptance.next_remind_at == now
