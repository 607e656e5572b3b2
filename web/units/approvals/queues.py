"""The approvers' queues: the unit head's replies and city opinions to approve, the district leader's to sign off
and key items.

Each is a constant number of queries whatever the number of rows (at most 6 with the session and
the user): the replies of a page with their item, unit and outcome, their due date as a subquery,
the head's city opinions (市办会办件) in one more, and the leader's key items with their units
prefetched in one more.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.shortcuts import render
from django.utils.translation import gettext as _

from districts.models import Role
from districts.selectors import active_memberships
from web.items.labels import WAITS_FOR
from web.office.decisions.replies import reply_due
from workflow.access import district_ids
from workflow.models import Assignment, CoUnitOpinion, Reply
from workflow.selectors import visible_items, visible_opinions, visible_replies
from workflow.services.instructions import ENDED_STATES

PAGE_SIZE = 50
KEY_ITEMS_SHOWN = 50  # a leader supervises a few dozen; more are a link to the item list
CITY_OPINIONS_SHOWN = 50  # a unit co-handles a few city items a year
QUEUE_RELATED = ("assignment__item__district", "assignment__unit", "category")


def _page(request, replies):
    replies = replies.select_related(*QUEUE_RELATED).annotate(due_on=reply_due())
    replies = replies.order_by(F("due_on").asc(nulls_last=True), "pk")
    return Paginator(replies, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def head_queue(request):
    """Replies of the head's units waiting for the head's approval (签发), the soonest due first."""
    units = {m.unit_id for m in active_memberships(request.user) if m.role == Role.UNIT_HEAD}
    if not units:
        raise PermissionDenied(_("Only the head of a handling unit approves its replies."))
    replies = visible_replies(request.user).filter(state=Reply.State.AWAITING_HEAD, assignment__unit_id__in=units)
    page = _page(request, replies)
    city_opinions = list(
        visible_opinions(request.user)
        .filter(state=CoUnitOpinion.State.AWAITING_HEAD, assignment__unit_id__in=units)
        .select_related("assignment__item", "assignment__unit", "submitted_by")
        .order_by("submitted_at", "pk")[:CITY_OPINIONS_SHOWN]
    )
    context = {"page": page, "replies": list(page), "city_opinions": city_opinions}
    return render(request, "units/approvals/head_queue.html", context)


@login_required
def leader_queue(request):
    """The leader's replies to sign off (only those whose outcome needs it) and the key items the leader leads."""
    districts = district_ids(request.user, (Role.LEADER,))
    if not districts:
        raise PermissionDenied(_("Only a district leader signs off replies and supervises key items."))
    replies = visible_replies(request.user).filter(
        state=Reply.State.AWAITING_LEADER,
        category__needs_leader_signoff=True,
        assignment__item__district_id__in=districts,
        assignment__unit__responsible_leader=request.user,
    )
    page = _page(request, replies)
    units = Assignment.objects.active().select_related("unit").order_by("assigned_at", "pk")
    key_items = list(
        visible_items(request.user)
        .filter(is_key=True, supervising_leader=request.user, district_id__in=districts)
        .exclude(state__in=ENDED_STATES)
        .select_related("district")
        .prefetch_related(Prefetch("assignments", queryset=units, to_attr="units"))
        .order_by(F("next_due_on").asc(nulls_last=True), "pk")[: KEY_ITEMS_SHOWN + 1]
    )
    for item in key_items:
        item.waits_label = WAITS_FOR.get(item.waits_for, "")
    context = {
        "page": page,
        "replies": list(page),
        "key_items": key_items[:KEY_ITEMS_SHOWN],
        "more_key_items": len(key_items) > KEY_ITEMS_SHOWN,
    }
    return render(request, "units/approvals/leader_queue.html", context)
