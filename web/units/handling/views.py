"""A handling unit's acts on its assignment: each a form on its own page, done by its workflow service.

Accept or return the assignment (接收 / 退回), record a consultation with the proposer (面商) or that
they declined one, send a co-unit's opinion to the lead unit (会办意见), ask the office for more
time. Every view is the house's action shape (`web.actions.perform`): GET shows the form; POST
(once: `web.submit.one_time`) parses it, calls the service and redirects to the item page with a
message, or shows the form again with what was typed and the service's reason beside the field.

An item outside the user's scope (another unit's, another district's) is "not found" (404); a
reader of the item who works for none of its units (the office, a leader) is refused (403). A
handler of two units on the item picks the unit in the form (`forms.for_units`).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from deadlines.models import REPLY_KINDS, ObligationKind
from proposals.attachments import stored
from proposals.models import Attachment, Kind
from web.actions import perform
from web.items.labels import WAITS_FOR
from web.office.records.forms import ConsultationForm, ConsultationWaiverForm
from web.submit import one_time
from workflow.errors import NotAllowed
from workflow.models import Assignment, Consultation, CoUnitOpinion, Extension, Obligation
from workflow.obligations import max_extended_due
from workflow.selectors import get_item_for
from workflow.services.assignment import accept_assignment, return_assignment
from workflow.services.consultation import record_consultation
from workflow.services.extensions import request_extension
from workflow.services.locking import today
from workflow.services.opinions import submit_opinion
from workflow.services.permissions import unit_roles

from . import city, forms

ACT = "office/records/act.html"  # the office's record page: the item, the form, its button
ITEM_RELATED = ("district", "session", "category")


def my_assignments(user, item) -> list[Assignment]:
    """The item's assignments (not returned) of the units the user works for, in the order they were made."""
    assignments = Assignment.objects.active().filter(item=item).select_related("unit").order_by("assigned_at", "pk")
    return [a for a in assignments if unit_roles(user, a.unit_id)]


FORM_PAGE = ("GET", "HEAD", "POST")  # GET shows the act's form on its own page, POST does it
POST_ONLY = ("POST",)  # a button on another page: a GET is 405 before anything is read or done
READ_ONLY = ("GET", "HEAD")  # a page or a download of the units handling the item


def unit_act(view, methods=FORM_PAGE):
    """`view` for the units the item is assigned to, on the HTTP `methods` it is declared with; a POST acts once.

    `view(request, item, mine, **kwargs)` gets the user's assignments on the item (`my_assignments`)
    and the URL's other arguments.
    """
    post = one_time(view)

    @login_required
    @require_http_methods(methods)
    @wraps(view)
    def wrapper(request, pk, **kwargs):
        item = get_item_for(request.user, pk, related=ITEM_RELATED)  # NotFound: the 404 page
        mine = my_assignments(request.user, item)
        if not mine:
            raise NotAllowed(_("Only the units handling this item may do this."))  # the 403 page, saying why
        act = post if request.method == "POST" else view
        return act(request, item, mine, **kwargs)

    return wrapper


def _item_url(item):
    return reverse("items:detail", args=[item.pk])


def _data(request):
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


def _stored(request, item, uploads, purpose, act):
    """Store the uploads as the item's attachments, then `act(attachments)`; a refusal takes them away again."""
    with stored(item=item, uploads=uploads, purpose=purpose, uploaded_by=request.user) as attachments:
        return act(attachments)


def _act_page(request, item, form, texts, *, status=200):
    context = {
        "item": item,
        "waits_for": WAITS_FOR.get(getattr(item, "waits_for", None), ""),
        "form": form,
        **texts,
    }
    return render(request, ACT, context, status=status)


def _done(request, item, form, call, message):
    """`perform` the act; the redirect once done, else the status to show the form again with."""
    outcome = perform(request, form, call, then=_item_url(item), message=message)
    return outcome.response, outcome.status


# --- accept or return --------------------------------------------------------------------------


def _windows(mine):
    """{assignment id: the open acceptance obligation} of the user's assignments awaiting acceptance."""
    pending = [a.pk for a in mine if a.state == Assignment.State.PENDING]
    if not pending:
        return {}
    rows = Obligation.objects.open().filter(assignment_id__in=pending, kind=ObligationKind.ACCEPTANCE)
    return {row.assignment_id: row for row in rows}


def _answer_page(request, item, mine, accept_form, return_form, *, status=200):
    windows = _windows(mine)
    now = today(timezone.now())
    answers = [
        {"assignment": a, "window": windows.get(a.pk), "late": a.pk in windows and windows[a.pk].due_on < now}
        for a in mine
    ]
    context = {
        "item": item,
        "waits_for": WAITS_FOR.get(getattr(item, "waits_for", None), ""),
        "answers": answers,
        "accept_form": accept_form,
        "return_form": return_form,
    }
    return render(request, "units/handling/answer.html", context, status=status)


def _accepted_message(assignment):
    window = (
        Obligation.objects.filter(assignment=assignment, kind=ObligationKind.ACCEPTANCE, fulfilled_at__isnull=False)
        .order_by("-fulfilled_at")
        .first()
    )
    if window is not None and window.on_time is False:
        return _(
            "%(unit)s accepted the assignment late (超期接收): the acceptance window closed on %(date)s. "
            "It is recorded as a late acceptance."
        ) % {"unit": assignment.unit.name, "date": window.due_on.isoformat()}
    return _("%(unit)s accepted the assignment.") % {"unit": assignment.unit.name}


@unit_act
def accept(request, item, mine):
    accept_form = forms.AnswerForm(_data(request), item=item, prefix="accept")
    return_form = forms.ReturnForm(item=item, prefix="return")
    forms.for_units(return_form, mine)
    forms.for_units(accept_form, mine)
    status = 200
    if request.method == "POST":

        def call(data):
            return accept_assignment(actor=request.user, now=timezone.now(), assignment=data["assignment"])

        response, status = _done(request, item, accept_form, call, _accepted_message)
        if response:
            return response
    return _answer_page(request, item, mine, accept_form, return_form, status=status)


def _returned_message(assignment):
    return _("%(unit)s returned the assignment to the office; the office assigns the item again.") % {
        "unit": assignment.unit.name
    }


def _after_return(item, mine, returned):
    """The item page while another of the user's units still holds the item, else the unit's inbox: the item is
    out of the unit's sight once returned.
    """
    if any(a.pk != returned.pk for a in mine):
        return _item_url(item)
    return reverse("inbox:inbox")


@unit_act
def return_(request, item, mine):
    accept_form = forms.AnswerForm(item=item, prefix="accept")
    return_form = forms.ReturnForm(_data(request), item=item, prefix="return")
    forms.for_units(accept_form, mine)
    forms.for_units(return_form, mine)
    status = 200
    if request.method == "POST":

        def call(data):
            return return_assignment(
                actor=request.user, now=timezone.now(), assignment=data["assignment"], reason=data["reason"]
            )

        outcome = perform(
            request, return_form, call, then=lambda done: _after_return(item, mine, done), message=_returned_message
        )
        if outcome.response:
            return outcome.response
        status = outcome.status
    return _answer_page(request, item, mine, accept_form, return_form, status=status)


# --- consultations -----------------------------------------------------------------------------

CONSULTATION = {
    "heading": gettext_lazy("Record a consultation"),
    "intro": gettext_lazy(
        "Record a meeting, call, site visit or forum held with the proposer (面商): when, who took part, what "
        "was said, and the scanned record if there is one. A consultation before the reply lets the unit send it."
    ),
    "submit": gettext_lazy("Record the consultation"),
}
WAIVER = {
    "heading": gettext_lazy("The proposer declined a consultation"),
    "intro": gettext_lazy(
        "The proposer said no consultation is needed (委员本人提出不需要走访). Record when and how they declined, "
        "and attach their signed note or the record of the call if there is one: it counts as the consultation "
        "before the reply."
    ),
    "submit": gettext_lazy("Record that the proposer declined"),
}


def _consulted(request, item, data, method):
    return _stored(
        request,
        item,
        [data["form"]] if data["form"] else [],
        Attachment.Purpose.CONSULTATION_FORM,
        lambda scans: record_consultation(
            actor=request.user,
            now=timezone.now(),
            assignment=data["assignment"],
            method=method or data["method"],
            held_on=data["held_on"],
            stage=data.get("stage", Consultation.Stage.BEFORE),
            participants=data.get("participants", ""),
            notes=data["notes"],
            form=scans[0] if scans else None,
        ),
    )


def _consultation_message(done):
    if done.method == Consultation.Method.WAIVER:
        return _("It is recorded that the proposer declined a consultation with %(unit)s.") % {
            "unit": done.assignment.unit.name
        }
    return _("The consultation of %(unit)s is recorded.") % {"unit": done.assignment.unit.name}


def _consultation_act(request, item, mine, form_class, method, texts):
    form = form_class(_data(request), _files(request), item=item)
    forms.for_units(form, mine)
    status = 200
    if request.method == "POST":
        response, status = _done(
            request, item, form, lambda data: _consulted(request, item, data, method), _consultation_message
        )
        if response:
            return response
    return _act_page(request, item, form, texts, status=status)


@unit_act
def consultation(request, item, mine):
    return _consultation_act(request, item, mine, ConsultationForm, None, CONSULTATION)


@unit_act
def consultation_waiver(request, item, mine):
    return _consultation_act(request, item, mine, ConsultationWaiverForm, Consultation.Method.WAIVER, WAIVER)


# --- a co-unit's opinion -----------------------------------------------------------------------

OPINION = {
    "heading": gettext_lazy("Send the co-handling unit's opinion"),
    "intro": gettext_lazy(
        "Write your unit's opinion (会办意见) for the lead unit, which replies to the proposer. The lead unit's "
        "reply waits for it; once sent it cannot be changed."
    ),
    "submit": gettext_lazy("Send the opinion to the lead unit"),
}


def _opinion_message(opinion):
    if opinion.state == CoUnitOpinion.State.AWAITING_HEAD:
        return _("The opinion of %(unit)s is submitted to the unit head for approval.") % {
            "unit": opinion.assignment.unit.name
        }
    return _("The opinion of %(unit)s is sent to the lead unit.") % {"unit": opinion.assignment.unit.name}


@unit_act
def opinion(request, item, mine):
    form = forms.OpinionForm(_data(request), _files(request), item=item)
    if not forms.for_units(form, mine):
        raise NotAllowed(_("Only a co-handling unit sends an opinion."))
    for_city = item.kind == Kind.CITY_CO
    status = 200
    if request.method == "POST":

        def call(data):
            return _stored(
                request,
                item,
                data["attachments"],
                Attachment.Purpose.OTHER,
                lambda files: submit_opinion(
                    actor=request.user,
                    now=timezone.now(),
                    assignment=data["assignment"],
                    text=data["text"],
                    attachments=files,
                ),
            )

        then = reverse("handling:opinion", args=[item.pk]) if for_city else _item_url(item)
        outcome = perform(request, form, call, then=then, message=_opinion_message)
        if outcome.response:
            return outcome.response
        status = outcome.status
    if for_city:
        return city.page(request, item, mine, form, status=status)
    return _act_page(request, item, form, OPINION, status=status)


# The district's opinion on a city item: approved by the unit head, then recorded as sent (`city`).
city_approve = unit_act(city.approve, POST_ONLY)
city_send_back = unit_act(city.send_back, POST_ONLY)
city_record_sent = unit_act(city.record_sent, POST_ONLY)
city_document = unit_act(city.document, READ_ONLY)


# --- more time to reply ------------------------------------------------------------------------


def _deadlines(item, leads):
    """[(assignment, open reply obligation or None, the latest date an extension may give)] of the user's leads."""
    due = {}
    for row in Obligation.objects.open().filter(assignment__in=leads, kind__in=REPLY_KINDS).order_by("-due_on"):
        due.setdefault(row.assignment_id, row)
    rows = []
    for assignment in leads:
        assignment.item = item
        rows.append((assignment, due.get(assignment.pk), max_extended_due(assignment)))
    return rows


def _extension_page(request, item, form, leads, *, status=200):
    requests = (
        Extension.objects.filter(assignment__in=leads)
        .select_related("assignment__unit", "requested_by", "decided_by")
        .order_by("requested_at", "pk")
    )
    context = {
        "item": item,
        "waits_for": WAITS_FOR.get(getattr(item, "waits_for", None), ""),
        "form": form,
        "deadlines": _deadlines(item, leads),
        "today": today(timezone.now()),
        "requests": list(requests),
    }
    return render(request, "units/handling/extension.html", context, status=status)


def _extension_message(extension):
    return _("The request for more time (until %(date)s) is sent to the office, which decides on it.") % {
        "date": extension.requested_until.isoformat()
    }


@unit_act
def extension(request, item, mine):
    form = forms.ExtensionForm(_data(request), item=item)
    leads = forms.for_units(form, mine)
    if not leads:
        raise NotAllowed(_("Only a lead unit asks for more time to reply."))
    status = 200
    if request.method == "POST":

        def call(data):
            return request_extension(
                actor=request.user,
                now=timezone.now(),
                assignment=data["assignment"],
                until=data["until"],
                reason=data["reason"],
            )

        response, status = _done(request, item, form, call, _extension_message)
        if response:
            return response
    return _extension_page(request, item, form, leads, status=status)
