"""What a user may see: the one definition every list, detail view, export, API and service uses.

Objects outside a user's scope are simply absent from these querysets, so views answer
"not found" rather than "forbidden" and nothing leaks. Office staff and district leaders
see their district; a unit sees the items assigned to it (and, of other units' replies and
their files, only those sent); a proposer sees their own items and those theirs were merged
into, with sent replies only; the public sees published replies only.
"""

from django.db.models import BooleanField, Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.lookups import LessThan
from django.utils import timezone

from districts.models import UNIT_ROLES, District, Proposer, Role
from districts.selectors import active_memberships
from proposals.models import Attachment, Item, ItemProposer
from submissions.models import CoSignInvitation, Submission

from .access import DISTRICT_ROLES, district_ids, is_admin
from .errors import item_not_found
from .models import Assignment, CoUnitOpinion, Event, Feedback, Message, Reply
from .obligations import with_deadlines
from .progress import APPROVAL_STEPS as APPROVAL_STEPS
from .progress import as_read
from .progress import awaits_reassignment as awaits_reassignment
from .progress import closing_report_due as closing_report_due
from .progress import reply_awaits as reply_awaits


def unit_items(unit_id):
    """The ids of the items assigned to `unit_id` (not after returning the assignment)."""
    return Assignment.objects.active().filter(unit_id=unit_id).values("item_id")


def _led_items(unit_id):
    """The ids of the items `unit_id` leads (not after returning the assignment)."""
    return Assignment.objects.active_leads().filter(unit_id=unit_id).values("item_id")


def _proposer_items(proposer_id):
    # A merged item's proposers receive the target's reply, so they see the target too.
    links = ItemProposer.objects.filter(proposer_id=proposer_id)
    return Q(pk__in=links.values("item_id")) | Q(pk__in=links.values("item__merged_into_id"))


NOTHING = Q(pk__in=[])


def _role_scope(user, part, *, base=NOTHING) -> Q | None:
    """`base` or'ed with `part(membership)` for each of the user's active roles (None: adds nothing).

    Everything (`Q()`) for a superuser or a city-level admin, None for an anonymous user:
    every scope below is built here, so who sees everything is decided in one place.
    """
    if not user.is_authenticated:
        return None
    if is_admin(user):
        return Q()
    scope = base
    for m in active_memberships(user):
        q = part(m)
        if q is not None:
            scope |= q
    return scope


def _district_role(m):
    return m.role in DISTRICT_ROLES


def item_scope(user) -> Q | None:
    """A filter on Item for everything `user` may see; None means nothing at all."""

    def part(m):
        if _district_role(m):
            return Q(district_id=m.district_id)
        if m.role in UNIT_ROLES:
            return Q(pk__in=unit_items(m.unit_id))
        if m.role == Role.PROPOSER:
            return _proposer_items(m.proposer_id)
        return None

    return _role_scope(user, part)


def _scoped(user):
    scope = item_scope(user)
    return Item.objects.none() if scope is None else Item.objects.filter(scope)


def draft_readers(user) -> dict:
    """Whose replies in their approval chain `user` sees, as `progress.as_read` takes it (as `reply_scope`).

    Every one for an admin; the district's for its office staff and leaders; a unit's own for its
    handlers and head; none for a proposer or the public.
    """
    if not user.is_authenticated:
        return {}
    if is_admin(user):
        return {"everything": True}
    memberships = active_memberships(user)
    return {
        "district_ids": {m.district_id for m in memberships if _district_role(m)},
        "unit_ids": {m.unit_id for m in memberships if m.role in UNIT_ROLES},
    }


def annotate_progress(items, *, today, user):
    """Add stage, waits_for, waiting_on (as `user` may read them) and the deadline figures.

    All from columns of the item (`proposals.models.LIST_FACTS`, kept by the workflow), so the list
    query runs no subquery per row: `progress.as_read` maps the stored facts for the reader.
    """
    waits_for, waiting_on = as_read(**draft_readers(user))
    items = items.annotate(
        stage=Case(
            When(state=Item.State.HANDLING, round__gt=1, then=Value("rehandling")),
            default=F("state"),
            output_field=CharField(),
        ),
        waits_for=waits_for,
        waiting_on=waiting_on,
    )
    return with_deadlines(items, today=today)


def visible_items(user, *, today=None):
    """The items `user` may see, each annotated with where it stands and when it is due."""
    return annotate_progress(_scoped(user), today=today or timezone.localdate(), user=user)


def one_unit(user):
    """The unit whose assigned items are all `user` sees (its handlers and head, no other role), else None."""
    if not user.is_authenticated or is_admin(user):
        return None
    memberships = active_memberships(user)
    units = {m.unit_id for m in memberships}
    if len(units) == 1 and all(m.role in UNIT_ROLES for m in memberships):
        return units.pop()
    return None


def listed_items(user, *, today=None):
    """`visible_items` as the item list reads them: for a reader of one unit, from the unit's assignments.

    The unit's items are joined through its held assignments (one each: `assignment_unit_once_per_item`),
    and the list's due date (`earliest_due_on`, `is_overdue`) is the copy each assignment keeps of
    its item's (`Assignment.item_next_due_on`, kept with the list facts): so the first page walks
    `assignment_unit_due_idx` in the list's order and stops after its rows, and the count is
    index-only (that index, then the items' primary key), as the office's page walks
    `item_district_due_idx`. Same rows, same facts (tests/workflow/test_item_list.py).
    """
    unit = one_unit(user)
    if unit is None:
        return visible_items(user, today=today)
    today = today or timezone.localdate()
    held = Item.objects.filter(assignments__unit_id=unit, assignments__state__in=Assignment.HELD_STATES)
    due = F("assignments__item_next_due_on")
    overdue = Case(When(LessThan(due, today), then=Value(True)), default=Value(False), output_field=BooleanField())
    return annotate_progress(held, today=today, user=user).annotate(earliest_due_on=due, is_overdue=overdue)


def get_item_for(user, pk, *, today=None, related=()) -> Item:
    """One item of `visible_items`, its `related` foreign keys joined in (a detail page reads them all)."""
    try:
        return visible_items(user, today=today).select_related(*related).get(pk=pk)
    except (Item.DoesNotExist, ValueError, TypeError):
        raise item_not_found() from None


def reply_scope(user) -> Q:
    """A filter on Reply: drafts stay within the unit and the district's office and leaders."""
    published = Reply.PUBLISHED

    def part(m):
        if _district_role(m):
            return Q(assignment__item__district_id=m.district_id)
        if m.role in UNIT_ROLES:
            return Q(assignment__unit_id=m.unit_id) | Q(
                state=Reply.State.SENT, assignment__item_id__in=unit_items(m.unit_id)
            )
        if m.role == Role.PROPOSER:
            return Q(state=Reply.State.SENT, assignment__item__in=Item.objects.filter(_proposer_items(m.proposer_id)))
        return None

    scope = _role_scope(user, part, base=published)
    return published if scope is None else scope


def visible_replies(user):
    return Reply.objects.filter(reply_scope(user))


# A reply's steps before it is sent: the unit's drafting and its approval chain.
REPLY_DRAFT_ACTIONS = (
    "reply.drafted",
    "reply.edited",
    "reply.submitted",
    "reply.approved",
    "reply.signed_off",
    "reply.sent_back",
)
# A co-unit's opinion goes to the lead unit (`_opinion_scope`): that it was sent, or waived and why,
# is not the proposers' to read.
OPINION_ACTIONS = (
    "opinion.submitted",
    "opinion.waived",
    "opinion.approved",
    "opinion.sent_back",
    "opinion.sent_to_city",
)
# A leader's instruction (批示) is for the district and its units, not for the proposer.
INTERNAL_ACTIONS = ("instruction.given",)


def visible_events(user):
    """Timeline events `user` may read: as for items, but another unit's reply drafts stay hidden.

    Co-units and proposers learn that a reply was sent, not how it was drafted and approved;
    co-units don't learn the proposer's feedback either; a co-unit's opinion events (sent, or
    waived and why) go where the opinion goes (`_opinion_scope`): not to proposers nor to the
    other co-units. A leader's instructions stay inside the government: not to proposers.
    """
    drafts = Q(action__in=REPLY_DRAFT_ACTIONS)
    opinions = Q(action__in=OPINION_ACTIONS)

    def part(m):
        if _district_role(m):
            return Q(item__district_id=m.district_id)
        if m.role in UNIT_ROLES:
            own = Q(assignment__unit_id=m.unit_id)
            leads = Q(item_id__in=_led_items(m.unit_id))
            return Q(item_id__in=unit_items(m.unit_id)) & (~drafts | own) & (~opinions | own | leads)
        if m.role == Role.PROPOSER:
            internal = Q(action__in=INTERNAL_ACTIONS)
            return Q(item__in=Item.objects.filter(_proposer_items(m.proposer_id))) & ~drafts & ~opinions & ~internal
        return None

    scope = _role_scope(user, part)
    if scope is None:
        return Event.objects.none()
    # Whether the proposer agreed is feedback: told only to those who read it (not co-units).
    unread = ~Q(item__in=Item.objects.filter(feedback_scope(user)))
    return Event.objects.filter(scope).exclude(Q(action="feedback.recorded") & unread)


def feedback_scope(user) -> Q | None:
    """A filter on Item: the items whose feedback `user` reads; None means none at all.

    The district's office and leaders, the item's proposers (and those of the items merged
    into it) and its lead units read how the reply was received; co-units do not.
    """

    def part(m):
        if _district_role(m):
            return Q(district_id=m.district_id)
        if m.role in UNIT_ROLES:
            return Q(pk__in=_led_items(m.unit_id))
        if m.role == Role.PROPOSER:
            return _proposer_items(m.proposer_id)
        return None

    return _role_scope(user, part)


def visible_feedback(user):
    scope = feedback_scope(user)
    return Feedback.objects.none() if scope is None else Feedback.objects.filter(item__in=Item.objects.filter(scope))


def reads_feedback(user, item) -> bool:
    """Whether `user` reads the item's feedback, even before there is any (a page shows "no feedback yet")."""
    scope = feedback_scope(user)
    return scope is not None and Item.objects.filter(scope, pk=item.pk).exists()


def visible_messages(user):
    """Messages `user` may read: the district's office and leaders every thread, a unit its own threads
    on the items it handles, a proposer the threads of their items.
    """

    def part(m):
        if _district_role(m):
            return Q(item__district_id=m.district_id)
        if m.role in UNIT_ROLES:
            return Q(unit_id=m.unit_id, item_id__in=unit_items(m.unit_id))
        if m.role == Role.PROPOSER:
            return Q(item__in=Item.objects.filter(_proposer_items(m.proposer_id)))
        return None

    scope = _role_scope(user, part)
    return Message.objects.none() if scope is None else Message.objects.select_related("unit", "author").filter(scope)


def published_replies():
    """The public portal: replies the office published with the proposer's consent."""
    return Reply.objects.published().select_related("assignment__item", "assignment__unit", "category")


def _opinion_scope(user) -> Q | None:
    """A filter on CoUnitOpinion: an opinion is written for the lead unit, so the proposers don't read it.

    The district's office and leaders, the co-unit that wrote it and the item's lead units do.
    """

    def part(m):
        if _district_role(m):
            return Q(assignment__item__district_id=m.district_id)
        if m.role in UNIT_ROLES:
            return Q(assignment__unit_id=m.unit_id) | Q(assignment__item_id__in=_led_items(m.unit_id))
        return None

    return _role_scope(user, part)


def visible_opinions(user):
    """Co-unit opinions (and waivers) `user` may read: `_opinion_scope` (the office reviewing a reply reads them)."""
    scope = _opinion_scope(user)
    return CoUnitOpinion.objects.none() if scope is None else CoUnitOpinion.objects.filter(scope)


def visible_attachments(user):
    """The files of the items `user` may see, each going where what it belongs to goes.

    A reply document only with a reply `user` may see (a unit's draft keeps its files to
    itself, the district's office and leaders until it is sent, as `reply_scope` keeps its
    text) — and one taken off a draft, or not on one yet, with nobody; a scanned feedback form
    only with the feedback (`feedback_scope`: not co-units); a co-unit's opinion files with the
    opinion (not the proposers). The item's other files go with the item; anyone sees what
    they uploaded themselves.
    """
    if not user.is_authenticated:
        return Attachment.objects.none()
    Purpose = Attachment.Purpose
    replies = Reply.attachments.through.objects.filter(attachment_id=OuterRef("pk"))
    forms = Feedback.objects.filter(form_id=OuterRef("pk"))
    opinions = CoUnitOpinion.attachments.through.objects.filter(attachment_id=OuterRef("pk"))
    readable_opinions = CoUnitOpinion.objects.filter(_opinion_scope(user))
    return Attachment.objects.filter(
        Q(uploaded_by=user)
        | (
            (~Q(purpose=Purpose.REPLY) & ~Exists(replies) | Exists(replies.filter(reply__in=visible_replies(user))))
            & (
                ~Q(purpose=Purpose.FEEDBACK_FORM) & ~Exists(forms)
                | Exists(forms.filter(pk__in=visible_feedback(user).values("pk")))
            )
            & (~Exists(opinions) | Exists(opinions.filter(counitopinion__in=readable_opinions)))
        ),
        item__in=_scoped(user).values("pk"),
    )


# --- items handed in online (`workflow.services.submissions`): not items until the office registers them ---


def proposer_ids(user) -> set:
    """The proposers `user` acts for: their own as a deputy or member, their group's as its staff."""
    if user is None or not user.is_authenticated:
        return set()
    return {m.proposer_id for m in active_memberships(user) if m.role == Role.PROPOSER}


def own_submissions(user):
    """The submissions of the proposers `user` acts for, every state."""
    return Submission.objects.filter(lead_id__in=proposer_ids(user))


def own_invitations(user):
    """The invitations to co-sign sent to the proposers `user` acts for, answered or not."""
    return CoSignInvitation.objects.filter(proposer_id__in=proposer_ids(user))


def office_submissions(user):
    """Submitted or registered submissions of the districts where `user` is the office; drafts are the proposer's."""
    handed_in = Submission.objects.exclude(state=Submission.State.DRAFT).exclude(submitted_at__isnull=True)
    if user is None or not user.is_authenticated:
        return Submission.objects.none()
    if is_admin(user):
        return handed_in
    offices = {m.district_id for m in active_memberships(user) if m.role == Role.OFFICE}
    return handed_in.filter(district_id__in=offices)


def visible_submissions(user):
    """Every submission `user` may read: their own, those they are invited to co-sign, their office's."""
    mine = proposer_ids(user)
    scope = Q(lead_id__in=mine) | Q(invitations__proposer_id__in=mine) | Q(pk__in=office_submissions(user).values("pk"))
    return Submission.objects.filter(scope).distinct()


def readable_districts(user):
    """The districts whose reference data `user` reads: those of their active roles; every one for an admin."""
    if is_admin(user):
        return District.objects.all()
    return District.objects.filter(pk__in={m.district_id for m in active_memberships(user)})


def readable_proposers(user):
    """The proposers `user` may read: their districts' (office and leaders), else those of their visible items."""
    if is_admin(user):
        return Proposer.objects.all()
    scope = item_scope(user)
    on_items = Proposer.objects.filter(item_links__item__in=Item.objects.filter(scope)) if scope else None
    readable = Q(district_id__in=district_ids(user))
    if on_items is not None:
        readable |= Q(pk__in=on_items.values("pk"))
    return Proposer.objects.filter(readable)
