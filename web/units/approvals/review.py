"""One reply under approval, as its approver reads it: the unit head (签发) or the district leader (阅批).

Both steps show the same page: the draft (text, outcome, signer, files), the approvals so far,
the co-units' opinions and who is still missing, and the consultations of the round, read as
every reply page reads them (`web.items.replyfacts`); beside it the approver's decision. A `Step`
says what differs: the state the reply waits in, the service that moves it on, and the addresses.
Who holds a step is the services' rule (`permissions.require_reply_holder`): a reply the reader
may not see is "not found" (404), one they see but do not hold is refused (403).
"""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from web.actions import perform
from web.items.replyfacts import reply_context, reviewed_reply
from web.office.decisions.forms import SendBackForm
from workflow.models import Reply
from workflow.services import permissions
from workflow.services.replies import approve_reply, send_back_reply, sign_off_reply

from .forms import DecideForm

TEMPLATE = "units/approvals/review.html"


@dataclass(frozen=True)
class Step:
    state: str  # the Reply.State the reply waits in at this step
    act: object  # the service that moves it on: approve_reply or sign_off_reply
    queue: str  # url names
    review: str
    decide: str
    send_back: str
    heading: Promise
    button: Promise
    explain: Promise
    done: Promise  # the message once done, with %(unit)s and %(number)s


HEAD = Step(
    state=Reply.State.AWAITING_HEAD,
    act=approve_reply,
    queue="approvals:head_queue",
    review="approvals:head_review",
    decide="approvals:approve",
    send_back="approvals:head_send_back",
    heading=gettext_lazy("Approve the reply"),
    button=gettext_lazy("Approve (签发)"),
    explain=gettext_lazy(
        "Approving signs the reply for the unit. It goes on to the district leader when its outcome needs "
        "the leader's sign-off, otherwise to the office."
    ),
    done=gettext_lazy("You approved the reply of %(unit)s on %(number)s."),
)
LEADER = Step(
    state=Reply.State.AWAITING_LEADER,
    act=sign_off_reply,
    queue="approvals:leader_queue",
    review="approvals:leader_review",
    decide="approvals:sign_off",
    send_back="approvals:leader_send_back",
    heading=gettext_lazy("Sign off the reply"),
    button=gettext_lazy("Sign off (阅批)"),
    explain=gettext_lazy("Its outcome needs your sign-off. Signed off, it goes to the office to be sent."),
    done=gettext_lazy("You signed off the reply of %(unit)s on %(number)s."),
)


def reply_for(user, pk, step) -> Reply:
    """The reply `user` may see (else 404), held by them at `step` (else 403, the service's reason)."""
    reply = reviewed_reply(user, pk)
    permissions.require_reply_holder(user, reply.assignment.item, reply, step.state)
    return reply


def page(request, reply, step, decide_form, back_form, *, status=200):
    context = {
        **reply_context(request.user, reply),
        "step": step,
        "awaits_me": reply.state == step.state,
        "decide_form": decide_form,
        "back_form": back_form,
    }
    return render(request, TEMPLATE, context, status=status)


def show(request, pk, step):
    reply = reply_for(request.user, pk, step)
    return page(request, reply, step, DecideForm(), SendBackForm())


def _about(reply):
    return {"unit": reply.assignment.unit, "number": reply.assignment.item.number}


def decide(request, pk, step):
    """Approve or sign off; back to the queue for the next one."""
    reply = reply_for(request.user, pk, step)
    form = DecideForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: step.act(actor=request.user, now=timezone.now(), reply=reply),
        then=reverse(step.queue),
        message=step.done % _about(reply),
    )
    return outcome.response or page(request, reply, step, form, SendBackForm(), status=outcome.status)


def send_back(request, pk, step):
    """Back to the unit's draft with the approver's comment; back to the queue for the next one."""
    reply = reply_for(request.user, pk, step)
    form = SendBackForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: send_back_reply(actor=request.user, now=timezone.now(), reply=reply, reason=data["reason"]),
        then=reverse(step.queue),
        message=_("The reply of %(unit)s on %(number)s was sent back to the unit.") % _about(reply),
    )
    return outcome.response or page(request, reply, step, DecideForm(), form, status=outcome.status)
