"""Fill the items' stored list facts (what each waits for, on whom, its next due date) from their rows.

From now on the workflow keeps them (`workflow.progress.store_list_facts`). This is that function as
it stood when the columns came, written out on the historical models, so that a later change to the
live definition does not change what this migration does: in batches of ids, one query for the
replies in approval and one UPDATE whose subqueries evaluate the facts for those items only, alike on
SQLite and PostgreSQL and at a million items.
"""

from django.db import migrations
from django.db.models import Case, CharField, DateField, Exists, F, JSONField, Min, OuterRef, Q, Subquery, Value, When

BATCH = 1000
HANDLING = ("handling", "following_up")
# A reply's approval step, what the item then waits for, and on whom (the step's holder).
APPROVAL_STEPS = {
    "awaiting_head": ("head_approval", "unit_head"),
    "awaiting_leader": ("leader_signoff", "leader"),
    "awaiting_office": ("office_review", "office"),
}
OPEN = Q(fulfilled_at__isnull=True, cancelled_at__isnull=True)


def _waits(apps, *, with_replies):
    """(condition, waits for, on whom) in order, first match wins; without replies: none in approval."""
    Assignment = apps.get_model("workflow", "Assignment")
    Reply = apps.get_model("workflow", "Reply")
    Obligation = apps.get_model("workflow", "Obligation")
    ClosingReport = apps.get_model("workflow", "ClosingReport")
    handling = Q(state__in=HANDLING)
    assignments = Assignment.objects.filter(item=OuterRef("pk"))

    def reply_awaits(step):
        waiting = Reply.objects.filter(assignment__item=OuterRef("pk"), round=OuterRef("round"), state__in=[step])
        return handling & Q(Exists(waiting))

    # Each lead assignment's current reply: its latest round's sent reply of kind "reply".
    sent = Reply.objects.filter(state="sent")
    later = sent.filter(assignment=OuterRef("assignment"), kind="reply", round__gt=OuterRef("round"))
    current = sent.filter(kind="reply").exclude(Exists(later))
    stays_open = Q(category__stays_open=True) | Q(category_at_reply__stays_open=True)
    keeping_open = (
        Assignment.objects.exclude(state="returned")
        .filter(role__in=["lead", "split_lead"])
        .filter(Exists(current.filter(stays_open, assignment=OuterRef("pk"))))
        .exclude(Exists(ClosingReport.objects.filter(assignment=OuterRef("pk"))))
    )
    resolved = current.filter(assignment=OuterRef("pk"), category__counts_as_resolved=True)
    second = sent.filter(assignment=OuterRef("pk"), kind="second")
    closing_due = keeping_open.filter(Exists(resolved) | Exists(second))
    returned = Assignment.objects.filter(Q(state="returned", replaced_by__isnull=True), item=OuterRef("pk"))
    consultation = Obligation.objects.filter(OPEN, item=OuterRef("pk"), kind="consultation")
    approval = APPROVAL_STEPS.items() if with_replies else ()
    return [
        (Q(state="received"), "review", "office"),
        (Q(state="registered"), "assignment", "office"),
        (Q(state="replied"), "feedback", "proposer"),
        (handling & Q(Exists(assignments.filter(state="pending"))), "acceptance", "unit"),
        *((reply_awaits(step), waits_for, holder) for step, (waits_for, holder) in approval),
        (Q(state="handling") & Q(Exists(returned)), "reassignment", "office"),
        (Q(state="following_up") & Q(Exists(closing_due.filter(item=OuterRef("pk")))), "closing_report", "unit"),
        (Q(state="following_up"), "follow_up", "unit"),
        (handling & Q(Exists(consultation)), "consultation", "unit"),
        (
            handling & Q(Exists(assignments.filter(role="co", state__in=["pending", "accepted"]))),
            "co_opinion",
            "unit",
        ),
        (Q(state="handling"), "reply", "unit"),
    ]


def _first_match(conditions, pick):
    return Case(*(When(c[0], then=Value(c[pick])) for c in conditions), default=Value(""), output_field=CharField())


def _replies_in_approval(apps, item_ids):
    """Per item, {"u<unit id>": step} for each lead unit's reply in approval (the earlier step in the chain)."""
    Reply = apps.get_model("workflow", "Reply")
    order = list(APPROVAL_STEPS)
    rows = Reply.objects.filter(
        assignment__item_id__in=item_ids,
        assignment__item__state__in=HANDLING,
        round=F("assignment__item__round"),
        state__in=order,
    ).values_list("assignment__item_id", "assignment__unit_id", "state")
    found = {}
    for item_id, unit_id, state in rows:
        steps = found.setdefault(item_id, {})
        key = f"u{unit_id}"
        if key not in steps or order.index(state) < steps[key]:
            steps[key] = order.index(state)
    return {item_id: {k: APPROVAL_STEPS[order[i]][0] for k, i in steps.items()} for item_id, steps in found.items()}


def fill(apps, schema_editor):
    Item = apps.get_model("proposals", "Item")
    Obligation = apps.get_model("workflow", "Obligation")
    earliest = (
        Obligation.objects.filter(OPEN, item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    office, outside = _waits(apps, with_replies=True), _waits(apps, with_replies=False)
    facts = {
        "next_due_on": Subquery(earliest, output_field=DateField()),
        "office_waits_for": _first_match(office, 1),
        "office_waiting_on": _first_match(office, 2),
        "outside_waits_for": _first_match(outside, 1),
        "outside_waiting_on": _first_match(outside, 2),
    }
    empty = Value({}, output_field=JSONField())
    last = 0
    while True:
        ids = list(Item.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        steps = _replies_in_approval(apps, ids)
        approvals = (
            Case(
                *(When(pk=pk, then=Value(s, output_field=JSONField())) for pk, s in steps.items()),
                default=empty,
                output_field=JSONField(),
            )
            if steps
            else empty
        )
        Item.objects.filter(pk__in=ids).update(**facts, replies_in_approval=approvals)
        last = ids[-1]


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_item_list_facts"),
        ("workflow", "0008_reply_public_attachments"),
    ]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
