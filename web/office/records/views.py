"""The office acting for others and finishing items: each act a form on its own page, done by its service.

Most deputies never log in and units send paper: the office records a proposer's feedback form
(征询意见表) or a unit's consultation (面商) from the scanned paper, waives a consultation the
proposer declined or a co-unit's opinion, closes items (办结) and records corrections afterwards.

Every view is the house's action shape (`web.actions.perform`): GET shows the form; POST (once:
`web.submit.one_time`) parses it, calls the workflow service, and redirects to the item page with
a message, or shows the form again with what was typed and the service's reason beside the field.
Outside the office's district the item is "not found" (404); another role is refused (403).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from proposals.attachments import stored
from proposals.models import Attachment
from web.actions import perform
from web.items.labels import WAITS_FOR
from web.submit import one_time
from workflow.models import Consultation, Reply
from workflow.selectors import get_item_for, visible_replies
from workflow.services import permissions
from workflow.services.closing import close_item, correct_item, correct_reply
from workflow.services.consultation import record_consultation
from workflow.services.feedback import record_feedback
from workflow.services.opinions import waive_opinion

from . import forms

TEMPLATE = "office/records/act.html"


def office_act(view):
    """GET shows the act's form, POST does it once; both only on an item of the office's district.

    `view(request, item)` builds its form from `request.POST` on a POST and returns the page or
    the redirect.
    """
    post = one_time(view)

    @login_required
    @require_http_methods(["GET", "HEAD", "POST"])
    @wraps(view)
    def wrapper(request, pk):
        item = get_item_for(request.user, pk, related=("district", "session", "category"))  # NotFound: the 404 page
        permissions.require_office(request.user, item)  # NotAllowed: the 403 page, saying why
        return post(request, item) if request.method == "POST" else view(request, item)

    return wrapper


def _item_url(item):
    return reverse("items:detail", args=[item.pk])


def _now():
    return timezone.now()


def _data(request):
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


def _with_scan(request, item, upload, purpose, act):
    """Store the scanned paper as the item's attachment, then `act(scan)`; a refusal takes it away again."""
    with stored(item=item, uploads=[upload] if upload else [], purpose=purpose, uploaded_by=request.user) as scans:
        return act(scans[0] if scans else None)


def _sent_replies(user, item):
    return (
        visible_replies(user)
        .filter(assignment__item=item, state=Reply.State.SENT)
        .select_related("assignment__unit", "category")
        .order_by("sent_at", "pk")
    )


def _page(request, item, form, *, heading, intro, submit, status=200, replies=None):
    context = {
        "item": item,
        "waits_for": WAITS_FOR.get(getattr(item, "waits_for", None), ""),
        "form": form,
        "heading": heading,
        "intro": intro,
        "submit": submit,
        "replies": replies,
    }
    return render(request, TEMPLATE, context, status=status)


def _done(request, item, form, call, message):
    """`perform` the act; the redirect once done, else the status to show the form again with."""
    outcome = perform(request, form, call, then=_item_url(item), message=message)
    return outcome.response, outcome.status


# --- the proposer's feedback form --------------------------------------------------------------

FEEDBACK = {
    "heading": gettext_lazy("Record a feedback form on the proposer's behalf"),
    "intro": gettext_lazy(
        "Copy the proposer's paper feedback form (征询意见表) and attach its scan. A disagreement sends the "
        "item back to the units for re-handling."
    ),
    "submit": gettext_lazy("Record the feedback form"),
}


def _feedback_message(feedback):
    if feedback.agrees:
        return _("The feedback form of %(proposer)s is recorded.") % {"proposer": feedback.proposer}
    return _("The feedback form of %(proposer)s is recorded; the item goes back to the units for re-handling.") % {
        "proposer": feedback.proposer
    }


@office_act
def feedback(request, item):
    form = forms.FeedbackForm(_data(request), _files(request), item=item)
    status = 200
    if request.method == "POST":

        def call(data):
            return _with_scan(
                request,
                item,
                data["form"],
                Attachment.Purpose.FEEDBACK_FORM,
                lambda scan: record_feedback(
                    actor=request.user,
                    now=_now(),
                    item=item,
                    agrees=data["agrees"],
                    rating=data["rating"],
                    praised=data["praised"],
                    comment=data["comment"],
                    proposer=data["proposer"],
                    form=scan,
                ),
            )

        response, status = _done(request, item, form, call, _feedback_message)
        if response:
            return response
    return _page(request, item, form, status=status, replies=_sent_replies(request.user, item), **FEEDBACK)


# --- consultations: recorded from the unit's scanned record, or waived -------------------------

CONSULTATION = {
    "heading": gettext_lazy("Record a consultation on the unit's behalf"),
    "intro": gettext_lazy(
        "Copy the unit's consultation record (meeting, call, site visit or forum with the proposer) and "
        "attach its scan. A consultation before the reply lets the unit send it."
    ),
    "submit": gettext_lazy("Record the consultation"),
}
WAIVER = {
    "heading": gettext_lazy("Waive the consultation"),
    "intro": gettext_lazy(
        "The proposer said no consultation is needed (委员本人提出不需要走访). Record how they declined and "
        "attach the scanned note: the waiver counts as the consultation before the reply."
    ),
    "submit": gettext_lazy("Record the waiver"),
}


def _consultation_message(done):
    return _("The consultation of %(unit)s is recorded.") % {"unit": done.assignment.unit.name}


def _waiver_message(done):
    return _("The consultation with %(unit)s is waived.") % {"unit": done.assignment.unit.name}


@office_act
def consultation(request, item):
    form = forms.ConsultationForm(_data(request), _files(request), item=item)
    status = 200
    if request.method == "POST":

        def call(data):
            return _with_scan(
                request,
                item,
                data["form"],
                Attachment.Purpose.CONSULTATION_FORM,
                lambda scan: record_consultation(
                    actor=request.user,
                    now=_now(),
                    assignment=data["assignment"],
                    method=data["method"],
                    held_on=data["held_on"],
                    stage=data["stage"],
                    participants=data["participants"],
                    notes=data["notes"],
                    form=scan,
                ),
            )

        response, status = _done(request, item, form, call, _consultation_message)
        if response:
            return response
    return _page(request, item, form, status=status, **CONSULTATION)


@office_act
def consultation_waiver(request, item):
    form = forms.ConsultationWaiverForm(_data(request), _files(request), item=item)
    status = 200
    if request.method == "POST":

        def call(data):
            return _with_scan(
                request,
                item,
                data["form"],
                Attachment.Purpose.CONSULTATION_FORM,
                lambda scan: record_consultation(
                    actor=request.user,
                    now=_now(),
                    assignment=data["assignment"],
                    method=Consultation.Method.WAIVER,
                    held_on=data["held_on"],
                    notes=data["notes"],
                    form=scan,
                ),
            )

        response, status = _done(request, item, form, call, _waiver_message)
        if response:
            return response
    return _page(request, item, form, status=status, **WAIVER)


# --- a co-unit's opinion waived ----------------------------------------------------------------

OPINION_WAIVER = {
    "heading": gettext_lazy("Waive a co-unit's opinion"),
    "intro": gettext_lazy(
        "The lead unit's reply waits for every co-handling unit's opinion (会办意见). Waive one to let the reply "
        "go out without it; the reason is recorded on the item's timeline."
    ),
    "submit": gettext_lazy("Waive the opinion"),
}


def _opinion_waiver_message(done):
    return _("The opinion of %(unit)s is waived.") % {"unit": done.assignment.unit.name}


@office_act
def opinion_waiver(request, item):
    form = forms.OpinionWaiverForm(_data(request), item=item)
    status = 200
    if request.method == "POST":

        def call(data):
            return waive_opinion(actor=request.user, now=_now(), assignment=data["assignment"], reason=data["reason"])

        response, status = _done(request, item, form, call, _opinion_waiver_message)
        if response:
            return response
    return _page(request, item, form, status=status, **OPINION_WAIVER)


# --- closing and corrections -------------------------------------------------------------------

CLOSE = {
    "heading": gettext_lazy("Close the item"),
    "intro": gettext_lazy(
        "An item closes (办结) once the proposer agreed or the feedback window ended without disagreement, and "
        "an outcome that stays open has its closing report. If something is still missing, you are told what."
    ),
    "submit": gettext_lazy("Close the item"),
}
ITEM_CORRECTION = {
    "heading": gettext_lazy("Correct the item's record"),
    "intro": gettext_lazy(
        "Change what was recorded wrongly and say why. The correction is recorded with both values; nothing is "
        "overwritten silently. Withdrawing the disclosure consent takes published replies off the portal."
    ),
    "submit": gettext_lazy("Record the correction"),
}
REPLY_CORRECTION = {
    "heading": gettext_lazy("Correct a reply's outcome"),
    "intro": gettext_lazy(
        "Correct the outcome category of a sent reply (for example 答复类型不当 found after closing) and say why. "
        "The category at the time of the reply stays as it was for the report's resolution rate at reply."
    ),
    "submit": gettext_lazy("Record the correction"),
}


@office_act
def close(request, item):
    form = forms.CloseForm(_data(request))
    status = 200
    if request.method == "POST":

        def call(data):
            return close_item(actor=request.user, now=_now(), item=item)

        response, status = _done(request, item, form, call, _("The item is closed."))
        if response:
            return response
    return _page(request, item, form, status=status, **CLOSE)


@office_act
def item_correction(request, item):
    form = forms.ItemCorrectionForm(_data(request), item=item)
    status = 200
    if request.method == "POST":

        def call(data):
            return correct_item(actor=request.user, now=_now(), item=item, reason=data["reason"], **form.changes())

        response, status = _done(request, item, form, call, _("The correction of the item's record is recorded."))
        if response:
            return response
    return _page(request, item, form, status=status, **ITEM_CORRECTION)


def _reply_correction_message(reply):
    return _("The outcome of the reply of %(unit)s is corrected to %(category)s.") % {
        "unit": reply.assignment.unit.name,
        "category": reply.category,
    }


@office_act
def reply_correction(request, item):
    replies = _sent_replies(request.user, item)
    form = forms.ReplyCorrectionForm(_data(request), item=item, replies=replies)
    status = 200
    if request.method == "POST":

        def call(data):
            return correct_reply(
                actor=request.user, now=_now(), reply=data["reply"], reason=data["reason"], category=data["category"]
            )

        response, status = _done(request, item, form, call, _reply_correction_message)
        if response:
            return response
    return _page(request, item, form, status=status, replies=replies, **REPLY_CORRECTION)
