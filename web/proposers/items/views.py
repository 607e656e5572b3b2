"""A deputy's, member's or group's own pages, made for a phone: my items, and my feedback on a reply.

My items (`/my/`) lists every item the user's proposers lead, co-signed or were merged into, with
where it stands in words, its units, each reply as sent and the way to the messages with the
units (有问必答, on the item page). The feedback form (征询意见表, `/my/items/<id>/feedback/`) is
the house's action shape (`web.actions.perform`): GET shows it, POST (once: `web.submit.one_time`)
calls `record_feedback` and goes back to my items with what happens next, or shows the form again
with the service's reason. Outside the user's items it is "not found" (404); someone who is not a
proposer of the item is refused (403).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from deadlines.models import ObligationKind
from districts.models import Role
from districts.selectors import active_memberships
from proposals.models import Item
from web.actions import perform
from web.items.listing import counted_page, page_number
from web.submit import one_time
from workflow.models import Feedback, Obligation, Reply
from workflow.selectors import get_item_for, visible_replies
from workflow.services import permissions
from workflow.services.feedback import record_feedback

from . import mine
from .forms import FeedbackForm

PAGE_SIZE = 20


@login_required
def my_items(request):
    """My items, 20 a page: at most 6 queries whatever the number of items (the session, the user, the page, its
    replies and their files)."""
    if not mine.proposer_ids(request.user):
        raise PermissionDenied(_("These pages are for deputies, members and the staff of groups."))
    page, _overdue = counted_page(
        mine.my_items(request.user), page_number(request.GET.get("page")), size=PAGE_SIZE, each=lambda item: item
    )
    replies = mine.sent_replies(request.user, page.object_list)
    rows = [mine.read(item, replies.get(item.pk, [])) for item in page]
    speaking_for = [m for m in active_memberships(request.user) if m.role == Role.PROPOSER]
    context = {"page": page, "rows": rows, "speaking_for": speaking_for}
    return render(request, "proposers/items/list.html", context)


def _round_replies(user, item):
    """The replies of the item's current round, as sent: what the feedback is about."""
    return list(
        visible_replies(user)
        .filter(assignment__item=item, state=Reply.State.SENT, round=item.round)
        .select_related("assignment__unit", "category")
        .prefetch_related("attachments")
        .order_by("sent_at", "pk")
    )


def _window(item):
    """The round's open feedback obligation (its due date ends the window), or None."""
    return (
        Obligation.objects.open()
        .filter(item=item, kind=ObligationKind.FEEDBACK, round=item.round)
        .order_by("due_on")
        .first()
    )


def _feedback_page(request, item, form, *, status=200):
    speaks_for = permissions.proposer_ids_for(request.user, item)
    given = list(
        Feedback.objects.filter(item=item, proposer_id__in=speaks_for).select_related("rating").order_by("round", "pk")
    )
    given_now = [row for row in given if row.round == item.round]
    context = {
        "item": item,
        "form": form,
        "replies": _round_replies(request.user, item),
        "window": _window(item),
        "given": given,
        "given_now": bool(given_now),
        "is_open": item.state == Item.State.REPLIED and not given_now,
    }
    return render(request, "proposers/items/feedback.html", context, status=status)


def _after(feedback):
    """What happens next, in words, once the feedback is recorded."""
    item = Item.objects.get(pk=feedback.item_id)
    if not feedback.agrees:
        again = (
            Obligation.objects.open()
            .filter(item=item, kind=ObligationKind.REHANDLING_REPLY, round=item.round)
            .select_related("unit")
            .order_by("due_on", "pk")
        )
        parts = [
            _("%(unit)s replies again by %(date)s") % {"unit": row.unit.name, "date": mine.day(row.due_on)}
            for row in again
        ]
        return _("Your disagreement is recorded: the units handle the item again. %(what)s.") % {
            "what": _("; ").join(parts)
        }
    if item.state == Item.State.CLOSED:
        return _("Your feedback is recorded: the item is closed. Thank you.")
    if item.state == Item.State.FOLLOWING_UP:
        return _("Your feedback is recorded: the units report their progress until the outcome is delivered.")
    return _("Your feedback is recorded. Thank you.")


@one_time
def _give(request, item):
    form = FeedbackForm(request.POST, item=item)

    def call(data):
        return record_feedback(
            actor=request.user,
            now=timezone.now(),
            item=item,
            agrees=data["agrees"],
            rating=data["rating"],
            praised=data["praised"],
            comment=data["comment"],
        )

    outcome = perform(request, form, call, then=reverse("my:items") + f"#item-{item.pk}", message=_after)
    return outcome.response or _feedback_page(request, item, form, status=outcome.status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request, pk):
    """The feedback form on the item's current round; only for a proposer of the item."""
    item = get_item_for(request.user, pk, related=("district", "category"))  # NotFound: the 404 page
    permissions.require_proposer(request.user, item)  # NotAllowed: the 403 page, saying why
    if request.method == "POST":
        return _give(request, item)
    return _feedback_page(request, item, FeedbackForm(item=item))
