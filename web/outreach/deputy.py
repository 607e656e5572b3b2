"""The deputy's 码上约: their codes and posters, the inbox of residents' messages, and the acts on one.

Who reads what comes from `workflow.outreach_selectors.own_messages`: another deputy's message is a
404, like a missing one; a login that acts for no deputy or member is refused (403).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.log import Action, record
from districts.models import Proposer
from outreach.models import Code, Message
from reports.exports.pdf import MissingFont
from web.actions import perform
from web.submit import one_time
from workflow import selectors
from workflow.outreach_selectors import own_messages
from workflow.services import outreach

from .forms import ActForm, AnswerForm, ReasonForm, SuggestForm
from .poster import poster_pdf

PAGE_SIZE = 30
# The messages each tab lists; "all" is every message but those hidden as spam.
SHOWN = {
    "waiting": Q(state=Message.State.WAITING),
    "all": ~Q(state=Message.State.HIDDEN),
    "hidden": Q(state=Message.State.HIDDEN),
}


def _deputies(user):
    """The deputies and members `user` acts for; 403 for a login that acts for none."""
    found = list(
        outreach.with_code_allowed(Proposer.objects.filter(pk__in=selectors.proposer_ids(user)))
        .select_related("district")
        .order_by("kind", "name")
    )
    if not found:
        raise PermissionDenied(
            _("Only deputies and members, or their group's staff, have an inbox of residents' messages.")
        )
    return found


def _deputy(user, pk) -> Proposer:
    for deputy in _deputies(user):
        if deputy.pk == pk:
            return deputy
    raise Http404


def link_of(code) -> str:
    """The absolute link a code's poster encodes: the site's public address, not the request's."""
    return settings.SITE_URL.rstrip("/") + reverse("outreach:write", args=[code.code])


def _inbox_page(request, *, suggest_form=None, code_form=None, status=200):
    user = request.user
    deputies = _deputies(user)
    show = request.GET.get("show") if request.GET.get("show") in SHOWN else "waiting"
    mine = own_messages(user)
    listed = mine.filter(SHOWN[show]).select_related("proposer", "submission").order_by("-received_at", "-pk")
    counts = mine.aggregate(listed=Count("pk", filter=SHOWN[show]), waiting=Count("pk", filter=SHOWN["waiting"]))
    paginator = Paginator(listed, PAGE_SIZE)
    paginator.count = counts["listed"]  # counted above with the waiting ones, in one query
    page = paginator.get_page(request.GET.get("page"))
    live = {c.proposer_id: c for c in Code.objects.filter(proposer__in=deputies, revoked_at__isnull=True)}
    codes = [
        {
            "deputy": d,
            "code": live.get(d.pk),
            "link": link_of(live[d.pk]) if d.pk in live else "",
            "may": d.may_have_code,
        }
        for d in deputies
    ]
    context = {
        "page": page,
        "messages_listed": list(page),
        "show": show,
        "waiting": counts["waiting"],
        "codes": codes,
        "suggest_form": suggest_form or SuggestForm(messages=mine),
        "code_form": code_form or ActForm(),
    }
    return render(request, "outreach/inbox.html", context, status=status)


@login_required
@require_GET
def inbox(request):
    """The residents' messages, the waiting ones first by default; the deputy's codes and posters above them."""
    return _inbox_page(request)


def _own(user, pk) -> Message:
    found = own_messages(user).select_related("proposer", "submission__item", "acted_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _message_page(request, message, *, forms=None, status=200):
    forms = forms or {}
    # An act refused because the message was dealt with meanwhile: its form is no longer shown, its reason is.
    refused = next(iter(forms.values())) if forms and message.state != Message.State.WAITING else None
    context = {
        "message": message,
        "refused": refused,
        "stage": outreach.stage_for_resident(message),
        "answer_form": forms.get("answer") or AnswerForm(),
        "dismiss_form": forms.get("dismiss") or ReasonForm(prefix="dismiss"),
        "hide_form": forms.get("hide") or ReasonForm(prefix="hide"),
        "suggest_form": forms.get("suggest") or SuggestForm(messages=own_messages(request.user)),
    }
    return render(request, "outreach/message.html", context, status=status)


@login_required
@require_GET
def message(request, pk):
    found = _own(request.user, pk)
    outreach.mark_read(actor=request.user, now=timezone.now(), message=found)
    return _message_page(request, found)


def _act(request, pk, name, form, call, text):
    found = _own(request.user, pk)
    outcome = perform(
        request,
        form,
        lambda data: call(found, data),
        then=reverse("outreach:message", args=[found.pk]),
        message=text,
    )
    return outcome.response or _message_page(request, found, forms={name: form}, status=outcome.status)


@login_required
@one_time
def answer(request, pk):
    def call(found, data):
        return outreach.answer(actor=request.user, now=timezone.now(), message=found, text=data["text"])

    return _act(request, pk, "answer", AnswerForm(request.POST), call, _("The answer is sent."))


@login_required
@one_time
def dismiss(request, pk):
    def call(found, data):
        return outreach.dismiss(actor=request.user, now=timezone.now(), message=found, reason=data["reason"])

    return _act(
        request,
        pk,
        "dismiss",
        ReasonForm(request.POST, prefix="dismiss"),
        call,
        _("The message is closed: it needs no action."),
    )


@login_required
@one_time
def hide(request, pk):
    def call(found, data):
        return outreach.hide(actor=request.user, now=timezone.now(), message=found, reason=data["reason"])

    return _act(request, pk, "hide", ReasonForm(request.POST, prefix="hide"), call, _("The message is hidden as spam."))


@login_required
@one_time
def suggest(request):
    """POST: one draft suggestion from the chosen messages; the draft's page opens to finish and hand it in."""
    _deputies(request.user)
    form = SuggestForm(request.POST, messages=own_messages(request.user))
    outcome = perform(
        request,
        form,
        lambda data: outreach.turn_into_suggestion(actor=request.user, now=timezone.now(), messages=data["messages"]),
        then=lambda draft: reverse("submissions:detail", args=[draft.pk]),
        message=_("A draft suggestion is made from the messages. Give it a title, then hand it in."),
    )
    return outcome.response or _inbox_page(request, suggest_form=form, status=outcome.status)


def _code_act(request, pk, call, text):
    deputy = _deputy(request.user, pk)
    form = ActForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: call(actor=request.user, now=timezone.now(), proposer=deputy),
        then=reverse("outreach:inbox"),
        message=text,
    )
    # A refusal names no field of an empty form: it is shown above the codes.
    return outcome.response or _inbox_page(request, code_form=form, status=outcome.status)


@login_required
@one_time
def issue(request, pk):
    return _code_act(
        request, pk, outreach.issue_code, _("The new code is in use; a former one no longer takes messages.")
    )


@login_required
@one_time
def revoke(request, pk):
    return _code_act(request, pk, outreach.revoke_code, _("The code is revoked: it takes no more messages."))


@login_required
@require_GET
def poster(request, pk):
    """The A4 poster of the deputy's live code: their name, constituency and the QR code of the link."""
    deputy = _deputy(request.user, pk)
    code = outreach.live_code(deputy)
    if code is None:
        raise Http404
    try:
        content = poster_pdf(deputy=deputy, link=link_of(code))
    except MissingFont as exc:
        return render(request, "400.html", {"detail": str(exc)}, status=503)
    record(action=Action.DOWNLOADED, obj=code, file="poster.pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="poster-{code.code}.pdf"'
    return response
