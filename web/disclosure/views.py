"""依申请公开: a member of the public asks for a reply; the office of the item's district grants or refuses.

The public form needs no login, is sent once (`web.submit.one_time`: its token is the
sender's key) and is rate-limited per address (`web.limits`, `RATE` of posts); an item that
cannot be asked for — consent not "on request", no sent reply, or the reply already on the
portal — is "not found". The requester's name, contact and reason are
shown only on the office's pages, never on the item's timeline. The office's pages are the house's
action shape (`web.actions.perform`, `web.submit.one_time`): another district's request is a 404,
another role a 403.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from notifications.disclosure import resend_answer
from proposals.models import Attachment, Item
from web.actions import perform
from web.limits import too_often
from web.submit import one_time
from workflow.access import acts_as_office, office_districts
from workflow.models import DisclosureRequest
from workflow.selectors import item_scope
from workflow.services import permissions
from workflow.services.disclosure import (
    decide_disclosure,
    request_disclosure,
    requestable_files,
    requestable_item,
    requestable_replies,
)

from .forms import DecideForm, RequestForm

RATE = "5/h"  # requests sent from one address an hour
PAGE_SIZE = 50
RECENT = 20  # decided requests shown under the queue, the latest first


def _request_page(request, item, form, *, status=200):
    context = {"item": item, "replies": requestable_replies(item), "form": form}
    return render(request, "disclosure/request.html", context, status=status)


@never_cache  # a form with its CSRF token, under /public/ where the portal's pages may be cached
@require_http_methods(["GET", "HEAD", "POST"])
def request_form(request, pk):
    """GET: what can be asked for, and the form; POST (once: a double click files one request): the request."""
    if request.method == "POST":
        return _request(request, pk)
    return _request_page(request, requestable_item(pk), RequestForm())  # NotFound: the 404 page


@one_time
def _request(request, pk):
    """The request, to the office of the item's district; a refused or limited one keeps its token."""
    item = requestable_item(pk)
    form = RequestForm(request.POST)
    if too_often(request, group="disclosure.request", rate=RATE):
        form.is_valid()
        form.add_error(None, _("Too many requests were sent from your address. Try again in an hour."))
        return _request_page(request, item, form, status=429)
    outcome = perform(
        request,
        form,
        lambda data: request_disclosure(now=timezone.now(), item=item, **data),
        then=reverse("disclosure:request_sent", args=[item.pk]),
        message=_("Your request was sent to the district office."),
    )
    return outcome.response or _request_page(request, item, form, status=outcome.status)


@never_cache
def request_sent(request, pk):
    return render(request, "disclosure/request_sent.html", {"item": requestable_item(pk)})


def _require_office_reader(user):
    if not acts_as_office(user):
        raise PermissionDenied(_("Only the district office may do this."))


RELATED = ("item__district", "decided_by")


@login_required
def queue(request):
    """Requests awaiting a decision in the reader's districts, the oldest first; the latest decided below."""
    _require_office_reader(request.user)
    mine = DisclosureRequest.objects.filter(item__district__in=office_districts(request.user)).select_related(*RELATED)
    pending = mine.filter(state=DisclosureRequest.State.PENDING).order_by("requested_at", "pk")
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    decided = mine.exclude(state=DisclosureRequest.State.PENDING).order_by("-decided_at", "-pk")[:RECENT]
    context = {"page": page, "requests": list(page), "decided": list(decided)}
    return render(request, "disclosure/queue.html", context)


def _request_or_404(user, pk) -> DisclosureRequest:
    """A request on an item the user may see (`item_scope`), else 404; the office's only (403 for another role)."""
    scope = item_scope(user)
    if scope is None:
        raise Http404
    visible = DisclosureRequest.objects.filter(item__in=Item.objects.filter(scope).values("pk"))
    try:
        found = visible.select_related(*RELATED).get(pk=pk)
    except (DisclosureRequest.DoesNotExist, ValueError):
        raise Http404 from None
    permissions.require_office(user, found.item)
    return found


def _decide_page(request, found, form, *, resend_form=None, status=200):
    pending = found.state == DisclosureRequest.State.PENDING
    replies = requestable_replies(found.item) if pending else found.replies.select_related("assignment__unit")
    context = {
        "found": found,
        "item": found.item,
        "replies": replies,
        "pending": pending,
        "form": form,
        "resend_form": resend_form,
    }
    return render(request, "disclosure/decide.html", context, status=status)


def _decide_form(found, data=None):
    """The decision's form; the replies' files are offered only to a requester who gave an email address."""
    by_email = found.channel == DisclosureRequest.Channel.EMAIL
    return DecideForm(data, files=requestable_files(found.item) if by_email else Attachment.objects.none())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def decide(request, pk):
    """GET: the request, who asks and why, the replies a grant sends; POST: the decision."""
    if request.method == "POST":
        return _decide(request, pk)
    found = _request_or_404(request.user, pk)
    return _decide_page(request, found, _decide_form(found))


@one_time
def _decide(request, pk):
    found = _request_or_404(request.user, pk)
    form = _decide_form(found, request.POST)

    def act(data):
        return decide_disclosure(
            actor=request.user,
            now=timezone.now(),
            request=found,
            grant=form.grants,
            reason=data["reason"],
            attachments=data.get("attachments", ()),
        )

    def message(decided):
        values = {"number": decided.item.number}
        if decided.state == DisclosureRequest.State.GRANTED:
            return _("The reply to %(number)s is being sent to the requester.") % values
        return _("The request for the reply to %(number)s was refused; the requester is told why.") % values

    outcome = perform(request, form, act, then=reverse("disclosure:queue"), message=message)
    return outcome.response or _decide_page(request, found, form, status=outcome.status)


@login_required
@one_time
def resend(request, pk):
    """POST: send again an answer that could not be sent (the gateway or the mail server failed)."""
    found = _request_or_404(request.user, pk)
    form = forms.Form(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: resend_answer(actor=request.user, request=found),
        then=reverse("disclosure:decide", args=[found.pk]),
        message=_("The answer is being sent again."),
    )
    if outcome.response:
        return outcome.response
    return _decide_page(request, found, _decide_form(found), resend_form=form, status=outcome.status)
