"""What a unit must do next: its inbox's rows, grouped by the act, soonest due first, in two queries.

What waits on a unit is `workflow.waiting`'s definition (`owed_by_units`: its open obligations but
those a reply in the approval chain answers), read here row by row instead of as a filter on Item;
plus its closing reports once due (`Assignment.objects.closing_report_due`, which no obligation
dates) and, for its head, its replies awaiting the head's approval (`access.REPLY_HOLDERS`).
Days left and days overdue come from the working-day calendar in memory (`deadlines.calendar`),
never from SQL, so the queries are the same whatever the dates.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from deadlines import calendar
from deadlines.models import REPLY_KINDS, ObligationKind
from proposals.models import Item
from workflow.models import Assignment, Event, Obligation, Reply
from workflow.progress import HANDLING_STATES
from workflow.waiting import ANSWERED_BY_A_REPLY, owed_by_units

# The inbox's groups, in the order a unit does the work; each obligation kind falls in one.
ACTS = {
    "acceptance": ObligationKind.ACCEPTANCE.label,
    "consultation": ObligationKind.CONSULTATION.label,
    "co_opinion": ObligationKind.CO_OPINION.label,
    "reply": _("Draft or revise the reply"),
    "follow_up": ObligationKind.FOLLOW_UP.label,
    "closing_report": _("Send the closing report"),
    "approval": _("Replies waiting for your approval"),
}
ACT_OF_KIND = {
    ObligationKind.ACCEPTANCE: "acceptance",
    ObligationKind.CONSULTATION: "consultation",
    ObligationKind.CO_OPINION: "co_opinion",
    **dict.fromkeys(REPLY_KINDS, "reply"),
    ObligationKind.FOLLOW_UP: "follow_up",
}
# The reply text's reason for sending back, shown in short.
REASON_CHARS = 80


@dataclass
class Row:
    """One thing to do on one item: what the template shows."""

    item: object
    due_on: object = None
    overdue_days: int = 0
    days_left: int | None = None
    sent_back: str = ""  # why the reply came back: the row is "revise"
    second_reply: bool = False

    def dated(self, today):
        """Days left (working days after today up to the due date) or overdue (`calendar.overdue_workdays`)."""
        if self.due_on is not None:
            self.overdue_days = calendar.overdue_workdays(self.due_on, today)
            self.days_left = calendar.workdays_between(today, self.due_on) if self.due_on >= today else None
        return self

    @property
    def past_due(self):
        return self.days_left is None and self.due_on is not None


@dataclass
class Group:
    act: str
    label: str
    rows: list = field(default_factory=list)


def _drafts():
    drafts = Reply.objects.filter(assignment=OuterRef("assignment"), round=OuterRef("round"), state=Reply.State.DRAFT)
    return drafts.order_by("kind")  # not the default order, which joins the assignment, item and district


def _sent_back():
    """The latest "sent back" event of the obligation's assignment (its reply's pk and the reason)."""
    return Event.objects.filter(
        item=OuterRef("item"), assignment=OuterRef("assignment"), action="reply.sent_back"
    ).order_by("-at", "-pk")


def _after_acceptance(obligation):
    """Owed on an assignment not accepted yet, but not its acceptance: what comes next is to accept or return it."""
    pending = obligation.assignment is not None and obligation.assignment.state == Assignment.State.PENDING
    return pending and obligation.kind != ObligationKind.ACCEPTANCE


def owed_rows(unit_id, today):
    """The unit's own work on items handled or followed up, soonest due first: one query.

    An assignment not accepted yet shows its acceptance only: its reply's row comes once accepted.
    """
    owed = (
        owed_by_units([unit_id])
        .filter(item__state__in=HANDLING_STATES)
        .select_related("item", "assignment")
        .annotate(
            draft=Subquery(_drafts().values("pk")[:1]),
            # As text (KT), not JSON: a JSON number inside a subquery is read back as an int on SQLite.
            back_reply=Subquery(_sent_back().values(r=Cast(KT("data__reply"), IntegerField()))[:1]),
            back_reason=Subquery(_sent_back().values(r=KT("data__reason"))[:1]),
        )
        .order_by("due_on", "pk")
    )
    rows = []
    for obligation in owed:
        if _after_acceptance(obligation):
            continue
        revise = obligation.draft is not None and obligation.back_reply == obligation.draft
        reason = (obligation.back_reason or "") if revise else ""
        if len(reason) > REASON_CHARS:
            reason = reason[: REASON_CHARS - 1] + "…"
        row = Row(item=obligation.item, due_on=obligation.due_on, sent_back=reason)
        rows.append((ACT_OF_KIND.get(obligation.kind), row.dated(today)))
    return rows


def unit_rows(unit_id, today, *, head):
    """The unit's closing reports due, and (for its head) its replies awaiting the head: one query.

    A reply awaiting the head is dated by the open obligation it answers (the reply's or the
    progress report's deadline of its round); a closing report has no date. Only the assignments
    the unit still works on (pending or accepted: `Assignment.OPEN_STATES`, the (unit, state)
    index), so the query reads the unit's open work, not its history; an imported item still
    followed up has its lead assignment imported as accepted, so it is listed like a live one.
    """
    closing = Exists(Assignment.objects.closing_report_due().filter(pk=OuterRef("pk")))
    wanted = Q(closing, item__state=Item.State.FOLLOWING_UP)
    annotations = {"closing": closing}
    if head:
        awaiting = Reply.objects.filter(
            assignment=OuterRef("pk"), round=OuterRef("item__round"), state=Reply.State.AWAITING_HEAD
        )
        answered = Obligation.objects.open().filter(
            assignment=OuterRef("pk"), round=OuterRef("item__round"), kind__in=ANSWERED_BY_A_REPLY
        )
        annotations.update(
            awaiting_kind=Subquery(awaiting.order_by("kind").values("kind")[:1]),
            awaiting_due=Subquery(answered.order_by().values("assignment").annotate(d=Min("due_on")).values("d")[:1]),
        )
        wanted |= Q(Exists(awaiting))
    found = (
        Assignment.objects.filter(unit_id=unit_id, state__in=Assignment.OPEN_STATES, item__state__in=HANDLING_STATES)
        .filter(wanted)
        .select_related("item")
        .annotate(**annotations)
        .order_by("item__number", "pk")
    )
    rows = []
    for assignment in found:
        if assignment.closing and assignment.item.state == Item.State.FOLLOWING_UP:
            rows.append(("closing_report", Row(item=assignment.item)))
        kind = getattr(assignment, "awaiting_kind", None)
        if kind is not None:
            row = Row(item=assignment.item, due_on=assignment.awaiting_due, second_reply=kind == Reply.Kind.SECOND)
            rows.append(("approval", row.dated(today)))
    return rows


def inbox(unit_id, today, *, head):
    """The unit's groups, each soonest due first (undated last): every act, empty ones too; a head's approvals first."""
    # A head's own work first: the replies waiting for their approval.
    acts = [("approval", ACTS["approval"])] if head else []
    acts += [(act, label) for act, label in ACTS.items() if act != "approval"]
    groups = {act: Group(act, label) for act, label in acts}
    for act, row in [*owed_rows(unit_id, today), *unit_rows(unit_id, today, head=head)]:
        if act in groups:
            groups[act].rows.append(row)
    for group in groups.values():
        group.rows.sort(key=lambda r: (r.due_on is None, r.due_on or today, r.item.number))
    return list(groups.values())
