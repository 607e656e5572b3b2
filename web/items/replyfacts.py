"""One reply as its readers review it: the facts every reply page shows, read one way.

Three pages show a reply with its files, the co-units' opinions and who is still missing, the
consultations of its round and the steps so far: the office's review (`web.office.decisions`),
the unit head's and the district leader's (`web.units.approvals`) and the lead unit's own reply
page (`web.units.replies`). They differ in the decision beside it, not in what they read, so the
reply and its context are built here once and rendered by the partials in `templates/items/reply/`
(`_draft.html`, `_opinions.html`, `_consultations.html`, `_approvals.html`), which read the
context names `reply_context` returns. Each page still asks its own service rule who may act.
"""

from django.db.models import OuterRef, Subquery
from django.http import Http404

from deadlines.models import REPLY_KINDS
from workflow import timeline
from workflow.models import Consultation, Obligation, Reply
from workflow.selectors import visible_attachments, visible_events, visible_opinions, visible_replies
from workflow.services.opinions import missing_opinions

REPLY_RELATED = (
    "assignment__item__district",
    "assignment__unit",
    "category",
    "drafted_by",
    "head_approved_by",
    "leader_signed_by",
    "sent_by",
    "published_by",
)


def reply_due():
    """The open reply deadline of a reply's assignment and round (extended or not), as a subquery."""
    due = Obligation.objects.open().filter(
        assignment=OuterRef("assignment"), round=OuterRef("round"), kind__in=REPLY_KINDS
    )
    return Subquery(due.order_by("-due_on").values("due_on")[:1])


def reviewed_reply(user, pk) -> Reply:
    """The reply `pk` if `user` may see it, with what the review pages show (its due date too); else 404.

    Who may act on it is the caller's rule, asked after this.
    """
    try:
        return visible_replies(user).select_related(*REPLY_RELATED).annotate(due_on=reply_due()).get(pk=pk)
    except (Reply.DoesNotExist, ValueError):
        raise Http404 from None


def reply_files(user, reply) -> list:
    """The reply's files `user` may read, in the order they were added; none before a first draft."""
    if reply is None:
        return []
    return list(visible_attachments(user).filter(pk__in=reply.attachments.values("pk")).order_by("pk"))


def reply_context(user, reply, *, item=None, assignment=None, files=None) -> dict:
    """The context the reply partials read: reply, item, files, opinions, missing, consultations, events.

    `reply` may be None (a lead unit's page before its first draft: no files, no events); then, or
    when the caller has them already, `item` and `assignment` are given, else they are the reply's.
    `files` are passed when the caller has read them already (for its form). `events` are pairs of
    the event and its sentence. The consultations stay a query, read only where a page shows them.
    """
    item = item or reply.assignment.item
    assignment = assignment or reply.assignment
    events = []
    if reply is not None:
        rows = visible_events(user).filter(item=item, data__reply=reply.pk).select_related("assignment__unit", "actor")
        events = [(event, timeline.describe(event)) for event in rows.order_by("at", "pk")]
    opinions = (
        visible_opinions(user)
        .filter(assignment__item=item)
        .select_related("assignment__unit", "submitted_by")
        .prefetch_related("attachments")
        .order_by("assignment__assigned_at", "pk")
    )
    consultations = Consultation.objects.filter(assignment=assignment, round=reply.round if reply else item.round)
    return {
        "reply": reply,
        "item": item,
        "files": reply_files(user, reply) if files is None else files,
        "opinions": list(opinions),
        "missing": list(missing_opinions(item).select_related("unit")),
        "consultations": consultations.order_by("held_on", "pk"),
        "events": events,
    }
