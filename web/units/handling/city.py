"""The district's opinion on a city item it co-handles (市办会办件), from draft to sent.

The handler submits the opinion to the unit head (the opinion form of `views.opinion`); the head
approves it or sends it back with the reason; the approved opinion is downloaded as the signed Word
document to send through the city's platform, and the unit records it as sent, which closes the item
once every co-unit's opinion is in. One page shows where each of the user's opinions stands and the
act that comes next; each act is its workflow service (`workflow.services.opinions`).
"""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.log import Action, record
from districts.models import Role
from reports.exports.docx import render_letter
from web.actions import perform
from web.items.labels import WAITS_FOR
from workflow.models import Assignment, CoUnitOpinion
from workflow.services.opinions import OPINION_ROUND, approve_opinion, record_opinion_sent, send_back_opinion
from workflow.services.permissions import unit_roles

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is sent back"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class NoFieldsForm(forms.Form):
    """An act with nothing to fill in: the button is the whole form."""


def page(request, item, mine, form, *, refused=None, status=200):
    """Where each of the user's co-unit opinions on the city item stands, with the form or the act that comes next."""
    co = [a for a in mine if a.role == Assignment.Role.CO]
    opinions = {
        o.assignment_id: o
        for o in CoUnitOpinion.objects.filter(assignment__in=co, round=OPINION_ROUND).select_related(
            "approved_by", "sent_by", "submitted_by"
        )
    }
    sent_back = _sent_back_reasons(item, opinions.values())
    cards = [
        {
            "assignment": a,
            "opinion": opinions.get(a.pk),
            "is_head": Role.UNIT_HEAD in unit_roles(request.user, a.unit_id),
            "sent_back_reason": sent_back.get(a.pk, ""),
        }
        for a in co
    ]
    writing = [c["assignment"].pk for c in cards if c["opinion"] is None or c["opinion"].state == "sent_back"]
    if form is not None:
        form.fields["assignment"].queryset = form.fields["assignment"].queryset.filter(pk__in=writing)
    context = {
        "item": item,
        "waits_for": WAITS_FOR.get(getattr(item, "waits_for", None), ""),
        "cards": cards,
        "form": form if writing else None,
        "send_back_form": SendBackForm(),
        "refusals": [e for errors in refused.errors.values() for e in errors] if refused is not None else [],
    }
    return render(request, "units/handling/city_opinion.html", context, status=status)


def _sent_back_reasons(item, opinions):
    """{assignment id: the head's latest reason} for opinions sent back (the reason lives on the event)."""
    returned = [o.assignment_id for o in opinions if o.state == CoUnitOpinion.State.SENT_BACK]
    if not returned:
        return {}
    events = item.events.filter(action="opinion.sent_back", assignment_id__in=returned).order_by("at", "pk")
    return {e.assignment_id: e.data.get("reason", "") for e in events}


def _opinion_of(mine, opinion_id):
    return get_object_or_404(
        CoUnitOpinion.objects.select_related("assignment__unit"),
        pk=opinion_id,
        assignment__in=[a for a in mine if a.role == Assignment.Role.CO],
    )


def _act(request, item, mine, opinion_id, form, call, message):
    opinion = _opinion_of(mine, opinion_id)
    outcome = perform(
        request,
        form,
        lambda data: call(opinion, data),
        then=reverse("handling:opinion", args=[item.pk]),
        message=message,
    )
    return outcome.response or page(request, item, mine, None, refused=form, status=outcome.status)


def approve(request, item, mine, opinion_id):
    return _act(
        request,
        item,
        mine,
        opinion_id,
        NoFieldsForm(request.POST),
        lambda opinion, data: approve_opinion(actor=request.user, now=timezone.now(), opinion=opinion),
        _("The opinion is approved: download the signed document, send it through the city's platform, "
          "then record it as sent."),
    )


def send_back(request, item, mine, opinion_id):
    return _act(
        request,
        item,
        mine,
        opinion_id,
        SendBackForm(request.POST),
        lambda opinion, data: send_back_opinion(
            actor=request.user, now=timezone.now(), opinion=opinion, reason=data["reason"]
        ),
        _("The opinion is sent back to the handler with your reason."),
    )


def record_sent(request, item, mine, opinion_id):
    return _act(
        request,
        item,
        mine,
        opinion_id,
        NoFieldsForm(request.POST),
        lambda opinion, data: record_opinion_sent(actor=request.user, now=timezone.now(), opinion=opinion),
        _("The opinion is recorded as sent to the city's lead unit."),
    )


def document(request, item, mine, opinion_id):
    """The approved opinion as the signed Word document the unit sends through the city's platform."""
    opinion = _opinion_of(mine, opinion_id)
    if opinion.state not in (CoUnitOpinion.State.APPROVED, CoUnitOpinion.State.SENT):
        raise Http404  # nothing signed yet
    unit = opinion.assignment.unit
    approved_on = timezone.localdate(opinion.approved_at)
    content = render_letter(
        title=_("Co-handling opinion on item %(number)s “%(title)s”") % {"number": item.number, "title": item.title},
        addressee=_("To the lead handling unit of the city:"),
        paragraphs=opinion.text.split("\n"),
        signature=[
            unit.name,
            _("Approved by %(head)s, head of the unit") % {"head": opinion.approved_by or _("the unit head")},
            approved_on.strftime("%Y-%m-%d"),
        ],
    )
    response = HttpResponse(content, content_type=DOCX)
    name = f"{slugify(item.number) or item.pk}-{unit.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="opinion-{name}"'
    record(action=Action.DOWNLOADED, obj=opinion, file=f"opinion-{name}")
    return response
