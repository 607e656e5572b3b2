"""Intake (domain §4 step 1): receive an item, then register, reject or merge it."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from proposals.models import Item, ItemProposer, kind_fits_body
from submissions.models import Submission

from ..errors import NotAllowed, WorkflowError
from ..events import record_event
from ..progress import keeps_list_facts, note_locked
from . import permissions
from .locking import lock_item


@keeps_list_facts
def receive_item(
    *,
    actor,
    now,
    district,
    year,
    body,
    kind,
    number,
    title,
    text="",
    session=None,
    category=None,
    proposers=(),
    lead_proposer=None,
    disclosure=Item.Disclosure.ON_REQUEST,
    submitted_on=None,
    submission=None,
) -> Item:
    """The office records an item as handed in; it awaits review (立案).

    `submission`: the online submission the item is registered from (`submissions.register`). It is
    recorded as registered with the item before the item's first event, so whatever that event sets
    off (the reports' rollup: handed in from residents' messages or not) sees where the item came from.
    """
    if not permissions.is_office(actor, district.pk):
        raise NotAllowed(_("Only the district office may record items."))
    if not kind_fits_body(kind, body):
        raise WorkflowError(_("This kind of item does not belong to that body."), code="kind_body", field="kind")
    if not (title or "").strip():
        raise WorkflowError(_("An item needs a title."), code="title_missing", field="title")
    proposers = list(proposers)
    if lead_proposer is not None and lead_proposer not in proposers:
        proposers.insert(0, lead_proposer)
    for obj in [*proposers, session, category]:
        if obj is not None and obj.district_id != district.pk:
            raise WorkflowError(_("Proposers, session and category must belong to the item's district."))
    same_number = Item.objects.filter(district=district, year=year, body=body, kind=kind, number=number)
    duplicate = WorkflowError(
        _("Item number %(number)s already exists for this year, body and kind.") % {"number": number},
        code="duplicate_number",
        field="number",
    )
    with transaction.atomic():
        if same_number.exists():
            raise duplicate
        try:
            # A savepoint: when a simultaneous intake of the same number wins, the caller's transaction goes on.
            with transaction.atomic():
                item = Item.objects.create(
                    district=district,
                    year=year,
                    body=body,
                    kind=kind,
                    number=number,
                    title=title,
                    text=text,
                    session=session,
                    category=category,
                    disclosure=disclosure,
                    submitted_on=submitted_on,
                )
        except IntegrityError:
            if same_number.exists():  # item_number_unique: the other intake committed first
                raise duplicate from None
            raise
        note_locked(item.pk)  # new: its list facts are stored with it
        ItemProposer.objects.bulk_create(
            ItemProposer(item=item, proposer=p, is_lead=p == lead_proposer, sort_order=i)
            for i, p in enumerate(proposers)
        )
        if submission is not None:
            submission.state = Submission.State.REGISTERED
            submission.item = item
            submission.registered_at = submission.updated_at = now
            submission.registered_by = actor
            submission.save(update_fields=["state", "item", "registered_at", "registered_by", "updated_at"])
        record_event(item=item, action="item.received", actor=actor, now=now, number=number)
    return item


def _start_review(actor, item):
    permissions.require_office(actor, item)
    item = lock_item(item.pk)
    if item.state != Item.State.RECEIVED:
        raise WorkflowError(_("This item has already been reviewed."), code="already_reviewed")
    return item


@keeps_list_facts
def register_item(*, actor, now, item) -> Item:
    """立案: the item will be handled and counted."""
    with transaction.atomic():
        item = _start_review(actor, item)
        item.review = Item.Review.REGISTERED
        item.state = Item.State.REGISTERED
        item.save(update_fields=["review", "state", "updated_at"])
        record_event(item=item, action="item.registered", actor=actor, now=now)
    return item


@keeps_list_facts
def reject_item(*, actor, now, item, reason) -> Item:
    """不立案, with the reason the proposer is told."""
    if not (reason or "").strip():
        raise WorkflowError(_("Say why the item is not registered."), code="reason_missing", field="reason")
    with transaction.atomic():
        item = _start_review(actor, item)
        item.review = Item.Review.REJECTED
        item.state = Item.State.REJECTED
        item.rejection_reason = reason
        item.save(update_fields=["review", "state", "rejection_reason", "updated_at"])
        record_event(item=item, action="item.rejected", actor=actor, now=now, reason=reason)
    return item


MERGE_TARGET_STATES = (Item.State.RECEIVED, Item.State.REGISTERED, Item.State.HANDLING)


@keeps_list_facts
def merge_item(*, actor, now, item, into) -> Item:
    """并案: the item is handled as part of `into`; its proposers receive that reply and rate it."""
    if into.pk == item.pk:
        raise WorkflowError(_("An item cannot be merged into itself."), code="merge_self", field="into")
    permissions.require_office(actor, into)
    with transaction.atomic():
        # Lock both in id order so two merges of the same pair cannot deadlock.
        first, second = sorted([item.pk, into.pk])
        locked = {first: lock_item(first), second: lock_item(second)}
        item = _start_review(actor, locked[item.pk])
        into = locked[into.pk]
        if (into.district_id, into.body, into.year) != (item.district_id, item.body, item.year):
            raise WorkflowError(
                _("Only items of the same district, body and year can be merged."), code="merge_foreign", field="into"
            )
        if into.state not in MERGE_TARGET_STATES:
            raise WorkflowError(
                _("Items can only be merged into an item that is still being registered or handled."),
                code="merge_target_state",
                field="into",
            )
        item.review = Item.Review.MERGED
        item.state = Item.State.MERGED
        item.merged_into = into
        item.save(update_fields=["review", "state", "merged_into", "updated_at"])
        record_event(item=item, action="item.merged", actor=actor, now=now, into=into.pk, into_number=into.number)
        record_event(item=into, action="item.merged_in", actor=actor, now=now, merged=item.pk, number=item.number)
        # Items merged into this one before go along, so their proposers receive and rate `into`'s reply too.
        for earlier in Item.objects.filter(merged_into=item).order_by("pk"):
            earlier.merged_into = into
            earlier.save(update_fields=["merged_into", "updated_at"])
            record_event(
                item=into, action="item.merged_in", actor=actor, now=now, merged=earlier.pk, number=earlier.number
            )
    return item
