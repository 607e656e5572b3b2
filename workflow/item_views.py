"""The item page every notification links to: one item as its reader may see it, and its messages.

The page shows; the role workspaces will grow from it. Everything shown comes through the
selectors (`get_item_for`, `visible_replies`, `visible_events`, `visible_attachments`,
`visible_messages`), every list is one query whatever its length, so the page costs the same
for any item. The one thing it changes, a message, goes through `send_message`.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from districts.models import UNIT_ROLES, Role
from districts.selectors import active_memberships

from . import deadlines, timeline
from .errors import NotFound, WorkflowError
from .models import Assignment, Feedback, Obligation
from .models.messages import MAX_MESSAGE_CHARS
from .selectors import get_item_for, visible_attachments, visible_events, visible_messages, visible_replies
from .services.messages import send_message
from .services.permissions import proposer_ids_of

# Words for the codes `annotate_progress` gives each item.
WAITS_FOR = {
    "review": _("Review for registration"),
    "assignment": _("Assignment to handling units"),
    "reassignment": _("Reassignment of a returned assignment"),
    "acceptance": _("Acceptance by the unit"),
    "head_approval": _("The unit head's approval of the reply"),
    "leader_signoff": _("The district leader's sign-off of the reply"),
    "office_review": _("The office's review of the reply"),
    "follow_up": _("Follow-up until the outcome is delivered"),
    "consultation": _("Consultation with the proposer"),
    "co_opinion": _("The co-handling units' opinions"),
    "reply": _("The reply"),
    "feedback": _("The proposer's feedback"),
}
WAITING_ON = {
    "office": _("The district office"),
    "unit": _("The handling unit"),
    "unit_head": _("The unit head"),
    "leader": _("The district leader"),
    "proposer": _("The proposer"),
}


class MessageForm(forms.Form):
    """A message in one unit's thread: the unit among the item's units, and the text.

    Only the units the reader may write to are offered; whether they may is the service's call.
    """

    unit = forms.TypedChoiceField(label=_("Thread with"), coerce=int)
    text = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
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


class Reader:
    """What one user may see and do on one item, read from their roles (loaded once per request)."""

    def __init__(self, user, item, assignments):
        self.assignments = assignments
        memberships = active_memberships(user)
        self.own_units = {m.unit_id for m in memberships if m.role in UNIT_ROLES}
        mine = {m.proposer_id for m in memberships if m.role == Role.PROPOSER}
        self.is_proposer = bool(mine and mine & proposer_ids_of(item))
        self.is_overseer = user.is_superuser or any(
            m.role == Role.CITY_ADMIN or (m.role in (Role.OFFICE, Role.LEADER) and m.district_id == item.district_id)
            for m in memberships
        )
        self.units = [a.unit for a in assignments if a.state != Assignment.State.RETURNED]

    @property
    def sees_feedback(self) -> bool:
        """Feedback is for the office and leaders of the district, the item's proposers and its lead units."""
        lead_units = {a.unit_id for a in self.assignments if a.is_lead and a.state != Assignment.State.RETURNED}
        return self.is_overseer or self.is_proposer or bool(self.own_units & lead_units)

    @property
    def writes_to(self):
        """The units whose thread the reader may write in: their own units; every unit for a proposer."""
        return [unit for unit in self.units if self.is_proposer or unit.pk in self.own_units]

    def message_form(self, data=None):
        offered = self.writes_to
        return MessageForm(data, units=self.units, offered=offered) if offered or data is not None else None


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
    obligation = (
        Obligation.objects.filter(deadlines.OPEN, item=item).select_related("unit").order_by("due_on", "pk").first()
    )
    return (obligation, deadlines.explain(obligation)) if obligation else (None, "")


def _item_or_404(user, pk):
    try:
        return get_item_for(user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _page(request, item, reader, *, form=None, status=200):
    user = request.user
    next_due, due_explanation = _next_due(item)
    feedback = None
    if reader.sees_feedback:
        feedback = list(Feedback.objects.filter(item=item).select_related("proposer", "rating").order_by("round", "pk"))
    context = {
        "item": item,
        "rehandling": item.stage == "rehandling",
        "waits_for": WAITS_FOR.get(item.waits_for, ""),
        "waiting_on": WAITING_ON.get(item.waiting_on, ""),
        "next_due": next_due,
        "due_explanation": due_explanation,
        "proposers": list(item.item_proposers.select_related("proposer").order_by("-is_lead", "sort_order", "pk")),
        "attachments": list(visible_attachments(user).filter(item=item).order_by("uploaded_at", "pk")),
        "assignments": reader.assignments,
        "feedback": feedback,
        "threads": _threads(user, item, reader.assignments),
        "message_form": form or reader.message_form(),
        "writes_to": reader.writes_to,
        "writes_as_unit": bool(reader.own_units & {unit.pk for unit in reader.writes_to}),
        "events": _timeline(user, item),
    }
    return render(request, "workflow/item_detail.html", context, status=status)


@login_required
def item_detail(request, pk):
    item = _item_or_404(request.user, pk)
    return _page(request, item, Reader(request.user, item, _assignments(request.user, item)))


@login_required
@require_POST
def item_message(request, pk):
    """Write in one unit's thread; back to the page with a note, or the page again with what is wrong."""
    item = _item_or_404(request.user, pk)
    reader = Reader(request.user, item, _assignments(request.user, item))
    form = reader.message_form(request.POST)
    status = 400
    if form.is_valid():
        unit = next(unit for unit in reader.units if unit.pk == form.cleaned_data["unit"])
        try:
            send_message(actor=request.user, now=timezone.now(), item=item, unit=unit, text=form.cleaned_data["text"])
        except NotFound as exc:
            raise Http404(exc.message) from None
        except WorkflowError as exc:
            form.add_error("text" if exc.field == "text" else None, exc.message)
            status = exc.status
        else:
            messages.success(request, gettext("Message sent in the thread with %(unit)s.") % {"unit": unit.name})
            return redirect(reverse("items:detail", args=[item.pk]) + "#messages")
    return _page(request, item, reader, form=form, status=status)
