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
from districts.models import Proposer, Role
from districts.selectors import active_memberships
from proposals.models import Item
from web.actions import perform
from web.items.listing import counted_page, page_number
from web.submit import one_time
from workflow.models import Feedback, Obligation, Reply
from workflow.selectors import get_item_for, visible_replies
from workflow.services import permissions
from workflow.services.feedback import feedback_window, record_feedback, window_ended_on

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


def _answering(user, item):
    """The proposers `user` speaks for on the item, by name, and those of them still to answer this round."""
    speaks_for = list(Proposer.objects.filter(pk__in=permissions.proposer_ids_for(user, item)).order_by("name", "pk"))
    answered = set(
        Feedback.objects.filter(item=item, round=item.round, proposer__in=speaks_for).values_list(
            "proposer_id", flat=True
        )
    )
    return speaks_for, [p for p in speaks_for if p.pk not in answered]


def _form(request, item, data=None):
    """The form, and the proposers the user speaks for on the item and those still to answer (`_answering`)."""
    speaks_for, to_answer = _answering(request.user, item)
    return FeedbackForm(data, item=item, proposers=to_answer or speaks_for), speaks_for, to_answer


def _feedback_page(request, item, form, speaks_for, to_answer, *, status=200):
    given = list(
        Feedback.objects.filter(item=item, proposer__in=speaks_for)
        .select_related("rating", "proposer")
        .order_by("round", "pk")
    )
    window = feedback_window(item)
    ended_on = window_ended_on(window, timezone.now())
    context = {
        "item": item,
        "form": form,
        "several": len(speaks_for) > 1,
        "replies": _round_replies(request.user, item),
        "window": window,
        "ended_on": ended_on,
        "given": given,
        "given_now": not to_answer,
        "is_open": item.state == Item.State.REPLIED and bool(to_answer) and ended_on is None,
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
    form, *answering = _form(request, item, request.POST)

    def call(data):
        return record_feedback(
            actor=request.user,
            now=timezone.now(),
            item=item,
            agrees=data["agrees"],
            rating=data["rating"],
            praised=data["praised"],
            comment=data["comment"],
            proposer=form.proposer(),
        )

    outcome = perform(request, form, call, then=reverse("my:items") + f"#item-{item.pk}", message=_after)
    return outcome.response or _feedback_page(request, item, form, *answering, status=outcome.status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request, pk):
    """The feedback form on the item's current round; only for a proposer of the item."""
    item = get_item_for(request.user, pk, related=("district", "category"))  # NotFound: the 404 page
    permissions.require_proposer(request.user, item)  # NotAllowed: the 403 page, saying why
    if request.method == "POST":
        return _give(request, item)
    return _feedback_page(request, item, *_form(request, item))
