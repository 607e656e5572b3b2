"""The item page every notification links to: one item as its reader may see it, and its messages.

The page shows; the role workspaces will grow from it. Everything shown comes through the
selectors (`get_item_for`, `visible_replies`, `visible_events`, `visible_attachments`,
`visible_feedback`, `visible_messages`), every list is one query whatever its length, so the
page costs the same for any item. Who may write where is `permissions.message_units`; the one
thing the page changes, a message, goes through `send_message`.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deadlines.rules import explain
from web.actions import perform
from web.submit import one_time
from workflow import timeline
from workflow.errors import NotFound
from workflow.models import Assignment, Obligation
from workflow.models.messages import MAX_MESSAGE_CHARS
from workflow.selectors import (
    get_item_for,
    reads_feedback,
    visible_attachments,
    visible_events,
    visible_feedback,
    visible_messages,
    visible_replies,
)
from workflow.services.messages import message_refusal, send_message
from workflow.services.permissions import message_units, unit_roles

from .labels import WAITING_ON, WAITS_FOR
from .panel import acts_for

# What the page shows of the item itself, read with it.
ITEM_RELATED = ("district", "session", "category", "supervising_leader")


class MessageForm(forms.Form):
    """A message in one unit's thread: the unit among the item's units, and the text.

    Only the units the reader may write to are offered; whether they may is the service's call.
    """

    unit = forms.TypedChoiceField(label=_("Thread with"), coerce=int)
    # The length is the service's check, after it counts a line break once; the browser stops at it too.
    text = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_MESSAGE_CHARS}),
        error_messages={"required": _("Write the message.")},
    )

    def __init__(self, *args, units, offered, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.choices = [(unit.pk, unit.name) for unit in units]
        field.widget.choices = [(unit.pk, unit.name) for unit in offered]
        if len(offered) == 1:
            field.widget = forms.HiddenInput()
            field.initial = offered[0].pk


def _assignments(user, item):
    """The item's assignments, each with the replies `user` may see, in order."""
    assignments = list(item.assignments.select_related("unit").order_by("assigned_at", "pk"))
    replies = (
        visible_replies(user)
        .filter(assignment__item=item)
        .select_related("category")
        .prefetch_related("attachments")
        .order_by("round", "kind", "pk")
    )
    by_assignment = {}
    for reply in replies:
        by_assignment.setdefault(reply.assignment_id, []).append(reply)
    for assignment in assignments:
        assignment.visible_replies = by_assignment.get(assignment.pk, [])
    return assignments


def _threads(user, item, assignments):
    """[(unit, messages)] the user may read, one per unit in the order of the assignments, oldest message first."""
    order = {}
    for assignment in assignments:
        order.setdefault(assignment.unit_id, len(order))
    threads = {}
    for message in visible_messages(user).filter(item=item).order_by("created_at", "pk"):
        threads.setdefault(message.unit_id, (message.unit, []))[1].append(message)
    return [threads[unit_id] for unit_id in sorted(threads, key=lambda unit_id: order.get(unit_id, len(order)))]


def _timeline(user, item):
    events = visible_events(user).filter(item=item).select_related("assignment__unit", "actor").order_by("at", "pk")
    return [(event, timeline.describe(event)) for event in events]


def _next_due(item):
    """The earliest open obligation (the one behind `earliest_due_on`) and how its date was reached."""
    obligation = Obligation.objects.open().filter(item=item).select_related("unit").order_by("due_on", "pk").first()
    return (obligation, explain(obligation)) if obligation else (None, "")


def _item_or_404(user, pk):
    try:
        return get_item_for(user, pk, related=ITEM_RELATED)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _writes_to(user, item, assignments):
    """The units whose thread the form offers: those the user may write in, while the item takes messages."""
    if message_refusal(item) is not None:
        return []
    return message_units(user, item, assignments=assignments)


def _message_form(assignments, writes_to, data=None):
    """The form for the units offered; a POST gets one whatever is offered, so the service says what is wrong."""
    if not writes_to and data is None:
        return None
    units = [a.unit for a in assignments if a.state != Assignment.State.RETURNED]
    return MessageForm(data, units=units, offered=writes_to)


def _feedback(user, item):
    """The item's feedback rows, or None when the user does not read its feedback (co-units)."""
    if not reads_feedback(user, item):
        return None
    rows = visible_feedback(user).filter(item=item).select_related("proposer", "rating").order_by("round", "pk")
    return list(rows)


def _page(request, item, assignments, writes_to, form, *, status=200):
    user = request.user
    next_due, due_explanation = _next_due(item)
    context = {
        "item": item,
        "rehandling": item.stage == "rehandling",
        "waits_for": WAITS_FOR.get(item.waits_for, ""),
        "waiting_on": WAITING_ON.get(item.waiting_on, ""),
        "next_due": next_due,
        "due_explanation": due_explanation,
        "proposers": list(item.item_proposers.select_related("proposer").order_by("-is_lead", "sort_order", "pk")),
        "attachments": list(visible_attachments(user).filter(item=item).order_by("uploaded_at", "pk")),
        "assignments": assignments,
        "acts": acts_for(user, item, assignments),
        "feedback": _feedback(user, item),
        "threads": _threads(user, item, assignments),
        "message_form": form,
        "writes_to": writes_to,
        "writes_as_unit": bool(writes_to and unit_roles(user, writes_to[0].pk)),
        "events": _timeline(user, item),
    }
    return render(request, "items/page.html", context, status=status)


@login_required
def item_detail(request, pk):
    item = _item_or_404(request.user, pk)
    assignments = _assignments(request.user, item)
    writes_to = _writes_to(request.user, item, assignments)
    return _page(request, item, assignments, writes_to, _message_form(assignments, writes_to))


@login_required
@one_time
def item_message(request, pk):
    """Write in one unit's thread; back to the page with a note, or the page again with what is wrong."""
    item = _item_or_404(request.user, pk)
    assignments = _assignments(request.user, item)
    writes_to = _writes_to(request.user, item, assignments)
    form = _message_form(assignments, writes_to, request.POST)
    units = {a.unit_id: a.unit for a in assignments}

    def send(data):
        unit = units[data["unit"]]
        send_message(actor=request.user, now=timezone.now(), item=item, unit=unit, text=data["text"])
        return unit

    outcome = perform(
        request,
        form,
        send,
        then=reverse("items:detail", args=[item.pk]) + "#messages",
        message=lambda unit: gettext("Message sent in the thread with %(unit)s.") % {"unit": unit.name},
    )
    return outcome.response or _page(request, item, assignments, writes_to, form, status=outcome.status)
