"""The lead unit's reply (答复) and follow-up (跟踪): each act one call of its workflow service.

The reply page is the handler's desk for one lead assignment: the draft form (outcome category of
the district's scheme, text, planned date, signer, the signed 复文), its saved versions, where the
reply is in its approval chain and why it last came back, and beside it every co-unit's opinion,
who is still missing and the consultations, read as every reply page reads them
(`web.items.replyfacts`). Saving calls `draft_reply` with the version the form
was opened at (a stale save is refused, the typed text kept, and the saved text shown to compare);
"submit to the head" saves and calls `submit_reply` in the same transaction. The second reply
(两次答复) is the same page for `Reply.Kind.SECOND`; progress reports and the closing report are
one form each.

Scope as everywhere (`workflow.services.permissions.require_unit`): another unit's assignment or
another district's is "not found" (404), a co-unit or another role is refused (403).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from deadlines.models import REPLY_KINDS, ObligationKind
from proposals.attachments import stored
from proposals.models import Attachment
from web.actions import perform
from web.items.labels import WAITS_FOR
from web.items.replyfacts import reply_context, reply_files
from web.submit import one_time
from workflow.errors import Conflict, NotAllowed
from workflow.models import Assignment, Obligation, Reply
from workflow.selectors import get_item_for, visible_replies
from workflow.services import permissions
from workflow.services.closing import submit_closing_report
from workflow.services.followup import report_progress
from workflow.services.outcomes import body_setting
from workflow.services.replies import draft_reply, submit_reply

from . import chain, forms

ITEM_RELATED = ("district", "session", "category")
REPLY_RELATED = ("category", "drafted_by", "head_approved_by", "leader_signed_by", "sent_by")
ACT_TEMPLATE = "office/records/act.html"  # one form on its own page, the item above it


def lead_assignment(user, pk):
    """The item and the lead assignment `pk` of one of `user`'s units.

    Outside the user's scope: not found, like a missing one; a co-unit's assignment or another
    role (the office, a leader, a proposer): not allowed, as the reply services say.
    """
    assignment = Assignment.objects.select_related("unit").filter(pk=pk).first()
    if assignment is None:
        raise Http404
    item = get_item_for(user, assignment.item_id, related=ITEM_RELATED)
    permissions.require_unit(user, item, assignment)
    if not assignment.is_lead:
        raise NotAllowed(_("Only a lead unit replies; a co-unit sends its opinion."))
    return item, assignment


def unit_act(view):
    """GET shows the act's page, POST does it once (`one_time`); both only for the lead unit's own people."""
    post = one_time(view)

    @login_required
    @require_http_methods(["GET", "HEAD", "POST"])
    @wraps(view)
    def wrapper(request, pk):
        item, assignment = lead_assignment(request.user, pk)
        return post(request, item, assignment) if request.method == "POST" else view(request, item, assignment)

    return wrapper


def _now():
    return timezone.now()


def _item_url(item):
    return reverse("items:detail", args=[item.pk])


# --- the reply and the second reply --------------------------------------------------------------

PAGE_URL = {Reply.Kind.REPLY: "replies:reply", Reply.Kind.SECOND: "replies:second_reply"}
HEADINGS = {Reply.Kind.REPLY: gettext_lazy("The reply"), Reply.Kind.SECOND: gettext_lazy("The second reply")}
DUE_KINDS = {Reply.Kind.REPLY: REPLY_KINDS, Reply.Kind.SECOND: (ObligationKind.FOLLOW_UP,)}


def _reply_of(item, assignment, kind):
    """The round's reply of this kind: the one being drafted or approved, else the sent one, else None."""
    replies = (
        Reply.objects.filter(assignment=assignment, round=item.round, kind=kind)
        .exclude(state=Reply.State.SUPERSEDED)
        .select_related(*REPLY_RELATED)
    )
    found = sorted(replies, key=lambda reply: reply.state == Reply.State.SENT)
    return found[0] if found else None


def _versions(reply):
    """One row per saved version of the draft, newest first: its content as saved, since when and by whom."""
    if reply is None:
        return []
    first, last = {}, {}
    for record in reply.history.select_related("category", "history_user").order_by("history_date", "history_id"):
        first.setdefault(record.version, record)
        last[record.version] = record
    return [(first[version], last[version]) for version in sorted(last, reverse=True)]


def _editable(item, reply, kind) -> bool:
    """Whether the page shows the draft form: a draft or none yet, while the item is at the kind's stage.

    What the page shows only; the service still decides when the form is sent.
    """
    stage = item.State.HANDLING if kind == Reply.Kind.REPLY else item.State.FOLLOWING_UP
    return item.state == stage and (reply is None or reply.state == Reply.State.DRAFT)


def _reply_form(item, reply, data=None, files=None, *, scheme_id, attached):
    initial = {}
    if reply is not None:
        initial = {
            "version": reply.version,
            "category": reply.category_id,
            "text": reply.text,
            "planned_on": reply.planned_on,
            "reason": reply.reason,
            "signer": reply.signer,
        }
    return forms.ReplyForm(data, files, initial=initial, scheme_id=scheme_id, files_of_reply=attached)


def _reply_page(request, item, assignment, kind, reply, form, *, files, status=200, stale=False):
    facts = reply_context(request.user, reply, item=item, assignment=assignment, files=files)
    due = (
        Obligation.objects.open()
        .filter(assignment=assignment, round=item.round, kind__in=DUE_KINDS[kind])
        .order_by("-due_on")
        .first()
    )
    sent_back = None
    if reply and reply.state == Reply.State.DRAFT:
        sent_back = chain.last_send_back([event for event, _text in facts["events"]])
    context = {
        **facts,
        "assignment": assignment,
        "kind": kind,
        "heading": HEADINGS[kind],
        "form": form,
        "editable": _editable(item, reply, kind) or form.is_bound,
        "stale": stale,
        "due": due,
        "waits_for": WAITS_FOR.get(getattr(item, "waits_for", None), ""),
        "steps": chain.steps(reply) if reply else [],
        "sent_back": sent_back,
        "versions": _versions(reply),
    }
    return render(request, "units/replies/reply.html", context, status=status)


def _saved_message(kind, submitting):
    def message(reply):
        if submitting:
            return _("The reply was submitted to the unit head.")
        return _("The draft was saved (version %(version)s).") % {"version": reply.version}

    return message


def _reply(request, item, assignment, kind):
    """GET: the reply page. POST: save the draft (a new version), and submit it to the head if asked."""
    scheme_id = body_setting(item).scheme_id
    reply = _reply_of(item, assignment, kind)
    files = reply_files(request.user, reply)
    if request.method != "POST":
        form = _reply_form(item, reply, scheme_id=scheme_id, attached=files)
        return _reply_page(request, item, assignment, kind, reply, form, files=files)
    form = _reply_form(item, reply, request.POST, request.FILES, scheme_id=scheme_id, attached=files)
    submitting = request.POST.get("action") == forms.ReplyForm.SUBMIT

    def call(data):
        # A refusal undoes the stored files and the save (of a refused submission) before the page shows
        # again, not only when `one_time` ends the request.
        purpose = Attachment.Purpose.REPLY
        with stored(item=item, uploads=data["files"], purpose=purpose, uploaded_by=request.user) as uploads:
            saved = draft_reply(
                actor=request.user,
                now=_now(),
                assignment=assignment,
                kind=kind,
                version=data["version"],
                attachments=[*data.get("keep", ()), *uploads],
                **{name: data[name] for name in ("text", "category", "planned_on", "reason", "signer")},
            )
            if submitting:
                saved = submit_reply(actor=request.user, now=_now(), reply=saved, version=saved.version)
            return saved

    url = reverse(PAGE_URL[kind], args=[assignment.pk])
    outcome = perform(request, form, call, then=url, message=_saved_message(kind, submitting))
    if outcome.response:
        return outcome.response
    stale = outcome.status == Conflict.status and reply is not None
    if stale:  # the form now carries the saved version: a second save, after comparing, replaces it
        form.data = form.data.copy()
        form.data["version"] = reply.version
    return _reply_page(request, item, assignment, kind, reply, form, files=files, status=outcome.status, stale=stale)


@unit_act
def reply(request, item, assignment):
    return _reply(request, item, assignment, Reply.Kind.REPLY)


@unit_act
def second_reply(request, item, assignment):
    return _reply(request, item, assignment, Reply.Kind.SECOND)


@login_required
def version(request, pk, number):
    """One saved version of a draft, read-only."""
    found = visible_replies(request.user).select_related("assignment__unit").filter(pk=pk).first()
    if found is None:
        raise Http404
    item, assignment = lead_assignment(request.user, found.assignment_id)
    record = found.history.select_related("category").filter(version=number).order_by("-history_date").first()
    if record is None:
        raise Http404
    back = reverse(PAGE_URL[found.kind], args=[assignment.pk])
    context = {"item": item, "assignment": assignment, "reply": found, "record": record, "back": back}
    return render(request, "units/replies/version.html", context)


# --- follow-up: progress reports and the closing report ------------------------------------------

PROGRESS = {
    "heading": gettext_lazy("Report progress"),
    "intro": gettext_lazy(
        "Say how the planned or ongoing outcome is progressing. When it has matured, convert the outcome "
        "(e.g. planned → solved), with the planned date where the new outcome needs one."
    ),
    "submit": gettext_lazy("Send the progress report"),
}
CLOSING = {
    "heading": gettext_lazy("Send the closing report"),
    "intro": gettext_lazy(
        "The closing report (结案报告) says how the outcome that kept the item open was delivered. The item "
        "closes once every lead unit's report is in."
    ),
    "submit": gettext_lazy("Send the closing report"),
}


def _sent_replies(user, assignment):
    replies = visible_replies(user).filter(assignment=assignment, state=Reply.State.SENT)
    return replies.select_related("assignment__unit", "category").order_by("sent_at", "pk")


def _act_page(request, item, assignment, form, texts, *, status=200):
    context = {
        "item": item,
        "waits_for": WAITS_FOR.get(getattr(item, "waits_for", None), ""),
        "form": form,
        "replies": _sent_replies(request.user, assignment),
        **texts,
    }
    return render(request, ACT_TEMPLATE, context, status=status)


def _act(request, item, assignment, form, texts, call, message):
    """`perform` the act on a POST, back to the item page; else (or refused) the form's page."""
    status = 200
    if request.method == "POST":
        outcome = perform(request, form, call, then=_item_url(item), message=message)
        if outcome.response:
            return outcome.response
        status = outcome.status
    return _act_page(request, item, assignment, form, texts, status=status)


@unit_act
def progress(request, item, assignment):
    data = request.POST if request.method == "POST" else None
    form = forms.ProgressForm(data, scheme_id=body_setting(item).scheme_id)

    def call(data):
        return report_progress(
            actor=request.user,
            now=_now(),
            assignment=assignment,
            progress=data["progress"],
            convert_to=data["convert_to"],
            planned_on=data["planned_on"],
            reason=data["reason"],
        )

    def message(report):
        if report.converted_to_id:
            return _("The progress report is sent; the outcome is now %(category)s.") % {
                "category": report.converted_to
            }
        return _("The progress report is sent.")

    return _act(request, item, assignment, form, PROGRESS, call, message)


@unit_act
def closing_report(request, item, assignment):
    form = forms.ClosingReportForm(request.POST if request.method == "POST" else None)

    def call(data):
        return submit_closing_report(actor=request.user, now=_now(), assignment=assignment, text=data["text"])

    return _act(request, item, assignment, form, CLOSING, call, _("The closing report is sent."))
