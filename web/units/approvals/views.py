"""The approvers' acts on one reply, and the leader's instruction on a key item.

Every view is the house's action shape (`web.actions.perform`, `web.submit.one_time`): GET shows,
POST does once and redirects with a message, or shows the page again with the service's reason
beside the field. The reply's pages are `review`'s, once per step.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from web.actions import perform
from web.submit import one_time
from workflow.selectors import get_item_for, visible_events
from workflow.services.instructions import give_instruction, require_supervising_leader

from . import review
from .forms import InstructionForm


def _step_views(step):
    """The review page (GET), the decision and the send-back (POST, once) of one approval step."""

    @login_required
    def show(request, pk):
        return review.show(request, pk, step)

    @login_required
    @one_time
    def decide(request, pk):
        return review.decide(request, pk, step)

    @login_required
    @one_time
    def send_back(request, pk):
        return review.send_back(request, pk, step)

    return show, decide, send_back


head_review, approve, head_send_back = _step_views(review.HEAD)
leader_review, sign_off, leader_send_back = _step_views(review.LEADER)


def _instruction_page(request, item, form, *, status=200):
    earlier = visible_events(request.user).filter(item=item, action="instruction.given").select_related("actor")
    context = {"item": item, "form": form, "earlier": list(earlier.order_by("at", "pk"))}
    return render(request, "units/approvals/instruction.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def instruction(request, pk):
    """批示 on a key item: only its supervising leader (404 outside their district, 403 for anyone else)."""
    item = get_item_for(request.user, pk, related=("district", "supervising_leader"))
    require_supervising_leader(request.user, item)
    if request.method == "POST":
        return _give(request, item)
    return _instruction_page(request, item, InstructionForm())


@one_time
def _give(request, item):
    form = InstructionForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: give_instruction(actor=request.user, now=timezone.now(), item=item, text=data["text"]),
        then=reverse("items:detail", args=[item.pk]) + "#timeline-heading",
        message=_("Your instruction on %(number)s is recorded and sent to its units.") % {"number": item.number},
    )
    return outcome.response or _instruction_page(request, item, form, status=outcome.status)
