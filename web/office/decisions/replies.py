"""The office's step in a reply's life: review it (send it to the proposers or back to the unit), publish it.

Every rule is the service's (`workflow.services.replies`): the pages show the draft, its approvals
and the co-units' opinions (read as every reply page reads them, `web.items.replyfacts`), parse
the office's choice, call the service and show its refusal beside the field. Only the district's
office (or an administrator) opens them: another district's reply is "not found", another role is
told it is not theirs (403).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from web.actions import perform
from web.items.replyfacts import reply_context, reply_due, reply_files, reviewed_reply
from web.submit import one_time
from workflow.access import acts_as_office, office_districts
from workflow.models import Reply
from workflow.selectors import visible_attachments, visible_replies
from workflow.services import permissions
from workflow.services.replies import publish_reply, send_back_reply, send_reply

from .forms import PublishForm, SendBackForm, SendForm

PAGE_SIZE = 50


def require_office_reader(user):
    """The queues are the office's: an administrator's too; anyone else is told they are not theirs."""
    if not acts_as_office(user):
        raise PermissionDenied(_("Only the district office may do this."))


@login_required
def reply_queue(request):
    """Replies awaiting the office's review in the reader's districts, the earliest due first."""
    require_office_reader(request.user)
    replies = (
        visible_replies(request.user)
        .filter(state=Reply.State.AWAITING_OFFICE, assignment__item__district__in=office_districts(request.user))
        .select_related("assignment__item__district", "assignment__unit", "category")
        .annotate(due_on=reply_due())
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    page = Paginator(replies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "office/decisions/reply_queue.html", {"page": page, "replies": list(page)})


def _reply_or_404(user, pk) -> Reply:
    """A reply the user may see, with what the pages show; the office's only (403 for another role)."""
    reply = reviewed_reply(user, pk)
    permissions.require_office(user, reply.assignment.item)
    return reply


def _review_page(request, reply, send_form, back_form, *, status=200):
    context = {
        **reply_context(request.user, reply),
        "awaits_office": reply.state == Reply.State.AWAITING_OFFICE,
        "send_form": send_form,
        "back_form": back_form,
    }
    return render(request, "office/decisions/reply_review.html", context, status=status)


@login_required
def reply_review(request, pk):
    reply = _reply_or_404(request.user, pk)
    return _review_page(request, reply, SendForm(), SendBackForm())


def _unit_and_number(reply):
    return {"unit": reply.assignment.unit, "number": reply.assignment.item.number}


@login_required
@one_time
def reply_send(request, pk):
    """Send the reviewed reply to the proposers; on to the item page, where publishing is offered."""
    reply = _reply_or_404(request.user, pk)
    form = SendForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: send_reply(actor=request.user, now=timezone.now(), reply=reply),
        then=reverse("items:detail", args=[reply.assignment.item_id]),
        message=_("The reply of %(unit)s on %(number)s was sent to the proposers.") % _unit_and_number(reply),
    )
    return outcome.response or _review_page(request, reply, form, SendBackForm(), status=outcome.status)


@login_required
@one_time
def reply_send_back(request, pk):
    """Send the reply back to the unit's draft with a reason; back to the queue for the next one."""
    reply = _reply_or_404(request.user, pk)
    form = SendBackForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: send_back_reply(actor=request.user, now=timezone.now(), reply=reply, reason=data["reason"]),
        then=reverse("decisions:reply_queue"),
        message=_("The reply of %(unit)s on %(number)s was sent back to the unit.") % _unit_and_number(reply),
    )
    return outcome.response or _review_page(request, reply, SendForm(), form, status=outcome.status)


def _publish_form(user, reply, data=None):
    readable = visible_attachments(user).filter(item_id=reply.assignment.item_id)
    return PublishForm(data, readable=readable, offered=reply_files(user, reply))


def _published_message(reply, files):
    if not files:
        return _("The reply of %(unit)s was published on the portal; its files stay private.") % {
            "unit": reply.assignment.unit
        }
    return ngettext(
        "The reply of %(unit)s was published on the portal with %(files)s file.",
        "The reply of %(unit)s was published on the portal with %(files)s files.",
        files,
    ) % {"unit": reply.assignment.unit, "files": files}


def _publish_page(request, reply, form, *, status=200):
    context = {"reply": reply, "item": reply.assignment.item, "form": form}
    return render(request, "office/decisions/reply_publish.html", context, status=status)


@login_required
def reply_publish(request, pk):
    """GET: the reply, the proposer's consent and the reply's files to choose from; POST publishes."""
    if request.method == "POST":
        return _publish(request, pk)
    reply = _reply_or_404(request.user, pk)
    return _publish_page(request, reply, _publish_form(request.user, reply))


@one_time
def _publish(request, pk):
    reply = _reply_or_404(request.user, pk)
    form = _publish_form(request.user, reply, request.POST)

    def publish(data):
        return publish_reply(actor=request.user, now=timezone.now(), reply=reply, attachments=data["attachments"])

    outcome = perform(
        request,
        form,
        publish,
        then=reverse("items:detail", args=[reply.assignment.item_id]),
        message=lambda published: _published_message(reply, published.public_attachments.count()),
    )
    return outcome.response or _publish_page(request, reply, form, status=outcome.status)
