"""Every named constraint of districts/ and proposals/ (and a few of workflow/) refuses a violation in the database.

Rows are written with `objects.create` / `update`, which skip model validation, so the
database itself must refuse. Check constraints name themselves in the error on SQLite and
PostgreSQL; unique ones only on PostgreSQL.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from districts.models import HandlingUnit, Membership, Proposer, Role, UnitContact
from proposals.models import Attachment, Category, Item, ItemProposer, Session
from tests.factories import CategoryFactory, ItemFactory, ProposerFactory, SessionFactory
from workflow.models import Assignment, Extension, Feedback, Obligation, OutcomeCategory, Reply

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def violates(name, write, *, unique=False):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        write()
    if not unique or connection.vendor == "postgresql":
        assert name in str(excinfo.value)


# --- districts --------------------------------------------------------------------------


def test_unit_names_are_unique_in_a_district(unit):
    violates(
        "unit_name_unique_in_district",
        lambda: HandlingUnit.objects.create(district=unit.district, name=unit.name),
        unique=True,
    )


def test_the_same_unit_name_is_fine_in_another_district(unit, other_district):
    HandlingUnit.objects.create(district=other_district, name=unit.name)


def test_a_unit_has_one_current_contact(unit):
    UnitContact.objects.create(unit=unit, name="甲", started_on=dt.date(2025, 1, 1))
    violates(
        "one_current_contact_per_unit",
        lambda: UnitContact.objects.create(unit=unit, name="乙", started_on=dt.date(2026, 1, 1)),
        unique=True,
    )


def test_a_contact_ends_after_it_starts(unit):
    violates(
        "contact_dates_in_order",
        lambda: UnitContact.objects.create(
            unit=unit, name="甲", started_on=dt.date(2026, 1, 1), ended_on=dt.date(2025, 12, 31)
        ),
    )


def test_proposer_names_are_unique_per_district_and_body(proposer):
    violates(
        "proposer_name_unique",
        lambda: Proposer.objects.create(district=proposer.district, body=proposer.body, name=proposer.name),
        unique=True,
    )


def test_only_the_city_admin_and_the_three_administrators_have_no_district(handler, district):
    name = "membership_district_unless_districtless_role"
    violates(name, lambda: Membership.objects.create(user=handler, role=Role.OFFICE))
    violates(name, lambda: Membership.objects.create(user=handler, role=Role.CITY_ADMIN, district=district))
    violates(name, lambda: Membership.objects.create(user=handler, role=Role.AUDIT_ADMIN, district=district))


def test_unit_roles_and_only_unit_roles_have_a_unit(handler, district, unit):
    violates(
        "membership_unit_iff_unit_role",
        lambda: Membership.objects.create(user=handler, role=Role.HANDLER, district=district),
    )
    violates(
        "membership_unit_iff_unit_role",
        lambda: Membership.objects.create(user=handler, role=Role.OFFICE, district=district, unit=unit),
    )


def test_the_proposer_role_and_only_it_has_a_proposer(handler, district, proposer):
    violates(
        "membership_proposer_iff_proposer_role",
        lambda: Membership.objects.create(user=handler, role=Role.PROPOSER, district=district),
    )
    violates(
        "membership_proposer_iff_proposer_role",
        lambda: Membership.objects.create(user=handler, role=Role.OFFICE, district=district, proposer=proposer),
    )


# --- proposals ------------------------------------------------------------------------------


def test_session_labels_are_unique_per_district_body_level_and_year(district):
    session = SessionFactory(district=district)
    violates(
        "session_unique",
        lambda: Session.objects.create(
            district=district, body=session.body, level=session.level, year=session.year, term=7, number=2,
            label=session.label,
        ),
        unique=True,
    )  # fmt: skip


def test_a_session_closes_after_it_opens(district):
    violates(
        "session_dates_in_order",
        lambda: SessionFactory(district=district, starts_on=dt.date(2026, 1, 10), ends_on=dt.date(2026, 1, 9)),
    )


def test_category_names_are_unique_in_a_district(district):
    CategoryFactory(district=district, name="经济")
    violates(
        "category_unique_in_district",
        lambda: Category.objects.create(district=district, name="经济"),
        unique=True,
    )


def test_item_numbers_are_unique_per_district_year_body_and_kind(district):
    item = ItemFactory(district=district, number="0001")
    violates(
        "item_number_unique",
        lambda: Item.objects.create(
            district=district, year=item.year, body=item.body, kind=item.kind, number="0001", title="重复"
        ),
        unique=True,
    )


def test_the_same_number_is_fine_for_the_other_body(district):
    ItemFactory(district=district, number="0001", body="cppcc")
    ItemFactory(district=district, number="0001", body="npc")


def test_a_rejected_item_has_a_reason(district):
    violates("item_rejection_has_reason", lambda: ItemFactory(district=district, review=Item.Review.REJECTED))


def test_a_merged_item_names_its_target_and_only_a_merged_one_does(district):
    target = ItemFactory(district=district)
    violates("item_merged_iff_target", lambda: ItemFactory(district=district, review=Item.Review.MERGED))
    violates(
        "item_merged_iff_target",
        lambda: ItemFactory(district=district, review=Item.Review.REGISTERED, merged_into=target),
    )


def test_an_item_is_not_merged_into_itself(district):
    item = ItemFactory(district=district)
    violates(
        "item_not_merged_into_itself",
        lambda: Item.objects.filter(pk=item.pk).update(review=Item.Review.MERGED, merged_into=item.pk),
    )


def test_a_closed_item_has_a_closing_time_and_an_open_one_has_none(district):
    violates("item_closed_iff_closed_at", lambda: ItemFactory(district=district, state=Item.State.CLOSED))
    violates(
        "item_closed_iff_closed_at",
        lambda: ItemFactory(district=district, state=Item.State.HANDLING, closed_at=timezone.now()),
    )


def test_an_item_year_is_plausible(district):
    violates("item_year_plausible", lambda: ItemFactory(district=district, year=26))


def test_the_handling_round_starts_at_one(district):
    violates("item_round_positive", lambda: ItemFactory(district=district, round=0))


def test_a_proposer_signs_an_item_once(district, proposer):
    item = ItemFactory(district=district, lead_proposer=proposer)
    violates(
        "item_proposer_unique",
        lambda: ItemProposer.objects.create(item=item, proposer=proposer, sort_order=1),
        unique=True,
    )


def test_an_item_has_one_lead_proposer(district, proposer):
    item = ItemFactory(district=district, lead_proposer=proposer)
    second = ProposerFactory(district=district, name="李委员")
    violates(
        "item_one_lead_proposer",
        lambda: ItemProposer.objects.create(item=item, proposer=second, is_lead=True, sort_order=1),
        unique=True,
    )


def test_an_attachment_is_not_empty(district, private_media):
    item = ItemFactory(district=district)
    violates(
        "attachment_not_empty",
        lambda: Attachment.objects.create(
            item=item, file="items/x.pdf", original_name="x.pdf", content_type="application/pdf", size=0
        ),
    )


# --- a few of the workflow's ----------------------------------------------------------------


@pytest.fixture
def lead_assignment(district, unit, office):
    item = ItemFactory(district=district, review=Item.Review.REGISTERED, state=Item.State.HANDLING)
    return Assignment.objects.create(
        item=item, unit=unit, role=Assignment.Role.LEAD, state=Assignment.State.ACCEPTED, assigned_at=NOW,
        assigned_by=office, accepted_at=NOW,
    )  # fmt: skip


def test_one_reply_is_sent_per_assignment_and_round(lead_assignment):
    category = OutcomeCategory.objects.get(scheme__code="cppcc", code="A")

    def sent_reply():
        return Reply.objects.create(
            assignment=lead_assignment, state=Reply.State.SENT, sent_at=NOW, category=category,
            category_at_reply=category, text="答复",
        )  # fmt: skip

    sent_reply()
    violates("reply_one_sent_per_round", sent_reply, unique=True)


def test_on_time_is_set_exactly_when_an_obligation_is_fulfilled(lead_assignment, unit):
    def obligation(**fields):
        return Obligation.objects.create(
            item=lead_assignment.item, assignment=lead_assignment, kind="reply", owner=Obligation.Owner.UNIT,
            unit=unit, starts_on=dt.date(2026, 3, 2), due_on=dt.date(2026, 6, 2), **fields,
        )  # fmt: skip

    violates("obligation_on_time_frozen_when_fulfilled", lambda: obligation(fulfilled_at=NOW))
    violates("obligation_on_time_frozen_when_fulfilled", lambda: obligation(on_time=True))


def test_an_assignment_has_one_pending_extension_request(lead_assignment, handler):
    def request():
        return Extension.objects.create(
            assignment=lead_assignment, reason="需要协调市级部门", requested_until=dt.date(2026, 8, 1),
            requested_by=handler, requested_at=NOW,
        )  # fmt: skip

    request()
    violates("extension_one_pending", request, unique=True)


def test_a_proposer_gives_feedback_once_per_round(lead_assignment, proposer):
    def feedback():
        return Feedback.objects.create(item=lead_assignment.item, proposer=proposer, agrees=True, submitted_at=NOW)

    feedback()
    violates("feedback_once_per_round_and_proposer", feedback, unique=True)
