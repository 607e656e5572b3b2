"""What waits on a user: the "waiting on me or my unit" of each role, as a filter on Item.

Each role's own facts, not the item's single `waiting_on` label (`progress.waits`), which shows
one step of work going on in parallel. The item list narrows `visible_items` with it.
"""

import operator
from functools import reduce

from django.db.models import Exists, OuterRef, Q

from deadlines.models import REPLY_KINDS, ObligationKind
from districts.models import UNIT_ROLES, Role
from districts.selectors import active_memberships
from proposals.models import Item

from .access import held_replies
from .models import Assignment, Feedback, Obligation, Reply
from .progress import awaits_reassignment, closing_report_due, reply_awaits
from .services.replies import IN_APPROVAL

# Obligations a reply in the approval chain answers: the reply's, and the progress report's (the second reply).
ANSWERED_BY_A_REPLY = [*REPLY_KINDS, ObligationKind.FOLLOW_UP]


def _office_waits(district_id) -> Q:
    """The office's own work in its district besides reviewing replies: review, assignment, reassignment."""
    work = Q(state__in=[Item.State.RECEIVED, Item.State.REGISTERED]) | awaits_reassignment()
    return Q(district_id=district_id) & work


def owed_by_units(unit_ids):
    """The open obligations that wait on the units themselves (on an item being handled or followed up).

    Acceptance, consultation, opinion, reply, progress report — but not a reply or a progress report
    whose reply is already in the approval chain: from the head on, the reply waits on its approvers
    (`access.held_replies`). One definition for "waiting on me" (`_unit_waits`) and the units' inbox.
    """
    in_approval = Reply.objects.filter(
        assignment=OuterRef("assignment"), round=OuterRef("round"), state__in=IN_APPROVAL
    )
    answered = Q(kind__in=ANSWERED_BY_A_REPLY) & Q(Exists(in_approval))
    return Obligation.objects.open().filter(unit_id__in=unit_ids).exclude(answered)


def _unit_waits(unit_ids) -> Q:
    """What the units owe on an item being handled or followed up, besides their head's approval of a reply.

    An open obligation they owe themselves (`owed_by_units`), and their closing report once it is
    due, which no obligation dates.
    """
    owed = owed_by_units(unit_ids).filter(item=OuterRef("pk"))
    handling = Q(state__in=[Item.State.HANDLING, Item.State.FOLLOWING_UP])
    return handling & Q(Exists(owed)) | closing_report_due(Assignment.objects.filter(unit_id__in=unit_ids))


def _proposer_waits(proposer_id) -> Q:
    """A replied item on whose current round this proposer has not given feedback (a merged item's too)."""
    given = Feedback.objects.filter(item=OuterRef("pk"), round=OuterRef("round"), proposer_id=proposer_id)
    return Q(state=Item.State.REPLIED) & ~Q(Exists(given))


def waiting_on_me(user) -> Q | None:
    """What "waiting on me or my unit" means for each role `user` holds; None if no role waits.

    Each role's own facts, not the item's single `waiting_on` label, which shows one step of work
    going on in parallel (a returned co-unit and the lead's reply, two split leads). A reply at an
    approval step the user holds (`access.held_replies`: the office's review, a leader's sign-off
    of the units they are responsible for, the unit head's approval — the unit's). The office:
    items to review or assign, a returned assignment to reassign. A unit (handler or head): what
    it owes (`_unit_waits`). A proposer: their feedback on the current round.
    """
    held = held_replies(user)
    conditions = [] if held is None else [reply_awaits(held, *IN_APPROVAL)]
    unit_ids = set()
    for m in active_memberships(user):
        if m.role == Role.OFFICE:
            conditions.append(_office_waits(m.district_id))
        elif m.role == Role.PROPOSER:
            conditions.append(_proposer_waits(m.proposer_id))
        elif m.role in UNIT_ROLES:
            unit_ids.add(m.unit_id)
    if unit_ids:
        conditions.append(_unit_waits(unit_ids))
    # A city admin: nothing waits on them in particular.
    return reduce(operator.or_, conditions) if conditions else None
