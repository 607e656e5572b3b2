"""Where an item stands, in the lists' terms: what it waits for, on whom, and its next due date.

The definitions are `waits` (first match wins) and `obligations.earliest_open_due`. The lists
sort and filter on them, so they are stored on the item (`proposals.models.LIST_FACTS`) by
`store_list_facts`, in the transaction of every change that can move them: each workflow verb
(`keeps_list_facts`, around the verb: the items it locked or whose obligations it changed), the
import of past items, and, outside a verb, the obligations' own functions for the next due date (a
holiday-table change moves due dates only, never what an item waits for). A page then reads
columns, not a subquery per row, and maps them for its reader with `as_read` (what a reader who
may not see a reply in its approval chain is told).
Each assignment keeps a copy of its item's next due date (`Assignment.item_next_due_on`), stored
with them (`obligations.copy_next_due`): a unit's list walks its own assignments in due order.
`derive_list_facts` computes the same facts from scratch, for the property test.
"""

import functools
import operator
from contextvars import ContextVar
from functools import reduce

from django.db import transaction
from django.db.models import Case, CharField, Exists, F, JSONField, OuterRef, Q, Value, When

from audit.context import acting_as
from proposals.models import LIST_FACTS, Item

from .access import REPLY_HOLDERS
from .models import Assignment, Obligation, Reply
from .obligations import copy_next_due, earliest_open_due, next_due_kept_in

HANDLING_STATES = (Item.State.HANDLING, Item.State.FOLLOWING_UP)
_HANDLING = Q(state__in=HANDLING_STATES)

# What an item waits for while a reply is at each step of its approval chain (on the step's holder).
APPROVAL_STEPS = {
    Reply.State.AWAITING_HEAD: "head_approval",
    Reply.State.AWAITING_LEADER: "leader_signoff",
    Reply.State.AWAITING_OFFICE: "office_review",
}
# The steps of `waits` that are the item's state alone, and that state.
STATE_STEPS = {
    "review": Item.State.RECEIVED,
    "assignment": Item.State.REGISTERED,
    "feedback": Item.State.REPLIED,
    "follow_up": Item.State.FOLLOWING_UP,
    "reply": Item.State.HANDLING,
}
# Items locked at a time by `store_list_facts`.
CHUNK = 1000


def reply_awaits(replies, *steps) -> Q:
    """A filter on Item: one of `replies` of the item's current round is at one of the approval `steps`."""
    waiting = replies.filter(assignment__item=OuterRef("pk"), round=OuterRef("round"), state__in=steps)
    return _HANDLING & Q(Exists(waiting))


def awaits_reassignment() -> Q:
    """A filter on Item: a returned assignment the office has not handed on yet, while the item is handled.

    Only while handled (as `assignment.awaiting_reassignment`): the office can no longer reassign once
    the item is replied.
    """
    returned = Assignment.objects.filter(Assignment.AWAITING_REASSIGNMENT, item=OuterRef("pk"))
    return Q(state=Item.State.HANDLING) & Q(Exists(returned))


def closing_report_due(assignments=None) -> Q:
    """A filter on Item: followed up, and a lead unit may send its closing report now.

    The rule `closing.submit_closing_report` applies (`Assignment.objects.closing_report_due`): the
    outcome counts as resolved, or the second reply (两次答复) is sent. `assignments`: whose reports
    count (a unit's "waiting on me" passes its own); every lead's by default.
    """
    due = (Assignment.objects.all() if assignments is None else assignments).closing_report_due()
    return Q(state=Item.State.FOLLOWING_UP) & Q(Exists(due.filter(item=OuterRef("pk"))))


def waits(replies):
    """(condition, waits_for, waiting_on) for an item, first match wins: the one definition.

    `replies` are those the reader may see; None: none in the approval chain (a draft's approval
    step, a leader's sign-off telling a 留作参考 outcome, is not told to co-units and proposers,
    who see "the reply" until it is sent). One label per item: work going on in parallel (a
    returned co-unit awaiting reassignment while the lead's reply is approved, two split leads at
    different steps) shows its first match only, so "waiting on me" (`waiting.waiting_on_me`)
    reads each role's own facts, not this label.
    """
    assignments = Assignment.objects.filter(item=OuterRef("pk"))
    approval = [] if replies is None else REPLY_HOLDERS.items()
    return [
        (Q(state=STATE_STEPS["review"]), "review", "office"),
        (Q(state=STATE_STEPS["assignment"]), "assignment", "office"),
        (Q(state=STATE_STEPS["feedback"]), "feedback", "proposer"),
        (_HANDLING & Q(Exists(assignments.filter(state=Assignment.State.PENDING))), "acceptance", "unit"),
        *((reply_awaits(replies, step), APPROVAL_STEPS[step], holder) for step, holder in approval),
        (awaits_reassignment(), "reassignment", "office"),
        (closing_report_due(), "closing_report", "unit"),
        (Q(state=STATE_STEPS["follow_up"]), "follow_up", "unit"),
        # A consultation or a co-unit's opinion is owed only while the item is handled, and an
        # opinion only by a co-unit not yet done (as `opinions.missing_opinions`).
        (
            _HANDLING & Q(Exists(Obligation.objects.open().filter(item=OuterRef("pk"), kind="consultation"))),
            "consultation",
            "unit",
        ),
        (
            _HANDLING & Q(Exists(assignments.filter(role=Assignment.Role.CO, state__in=Assignment.OPEN_STATES))),
            "co_opinion",
            "unit",
        ),
        (Q(state=STATE_STEPS["reply"]), "reply", "unit"),
    ]


def shown_while_handled(code, replies) -> list[tuple[str, str]]:
    """The (waiting on, waits for) an item in `HANDLING_STATES` meeting `code`'s condition of `waits` may show.

    `waits` stores its first match, so such an item shows `code` (the last pair) or an earlier
    step's; a step that is only a state outside `HANDLING_STATES` cannot match it. A page counting
    an item's work finds its candidates by these stored pairs (`item_waits_idx`).
    """
    shown = []
    for _condition, waits_for, waiting_on in waits(replies):
        state = STATE_STEPS.get(waits_for)
        if state is None or state in HANDLING_STATES:
            shown.append((str(waiting_on), waits_for))
        if waits_for == code:
            return shown
    raise ValueError(code)


def first_match(conditions, pick):
    """The `pick`th element (1: waits for, 2: on whom) of the first of `conditions` that holds, else ""."""
    return Case(*(When(c[0], then=Value(c[pick])) for c in conditions), default=Value(""), output_field=CharField())


def _expressions():
    """The stored facts but `replies_in_approval`, as expressions on Item (an UPDATE's or a SELECT's)."""
    office, outside = waits(Reply.objects.all()), waits(None)
    return {
        "next_due_on": earliest_open_due(),
        "office_waits_for": first_match(office, 1),
        "office_waiting_on": first_match(office, 2),
        "outside_waits_for": first_match(outside, 1),
        "outside_waiting_on": first_match(outside, 2),
    }


def _replies_in_approval(item_ids) -> dict[int, dict[str, str]]:
    """Per item, the approval step of each lead unit's reply: `reply_awaits` for one unit's replies.

    {"u<unit id>": "head_approval"}; a unit with replies at two steps (a reply and a second reply)
    shows the earlier step in the chain, as `waits` matches the steps in chain order.
    """
    order = list(APPROVAL_STEPS)
    rows = Reply.objects.filter(
        assignment__item_id__in=item_ids,
        assignment__item__state__in=HANDLING_STATES,
        round=F("assignment__item__round"),
        state__in=order,
    ).values_list("assignment__item_id", "assignment__unit_id", "state")
    found = {}
    for item_id, unit_id, state in rows:
        steps = found.setdefault(item_id, {})
        key = f"u{unit_id}"
        if key not in steps or order.index(state) < steps[key]:
            steps[key] = order.index(state)
    return {item_id: {k: APPROVAL_STEPS[order[i]] for k, i in steps.items()} for item_id, steps in found.items()}


def _chunks(item_ids):
    ids = sorted(set(item_ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def store_list_facts(item_ids) -> None:
    """Write each item's list facts (`LIST_FACTS`) onto it, derived from its rows now.

    Called in the transaction that changed them: three queries per thousand items (the replies in
    approval, one UPDATE whose subqueries evaluate `waits` for those items only, then the copy of
    the next due date onto their assignments).
    """
    for chunk in _chunks(item_ids):
        steps = _replies_in_approval(chunk)
        empty = Value({}, output_field=JSONField())
        approvals = (
            Case(
                *(When(pk=pk, then=Value(s, output_field=JSONField())) for pk, s in steps.items()),
                default=empty,
                output_field=JSONField(),
            )
            if steps
            else empty
        )
        Item.objects.filter(pk__in=chunk).update(**_expressions(), replies_in_approval=approvals)
        copy_next_due(chunk)


def derive_list_facts(item_ids) -> dict[int, dict]:
    """The list facts of each item from scratch, keyed by item id (what `stored_list_facts` must equal)."""
    derived = {}
    for chunk in _chunks(item_ids):
        names = {f"derived_{name}": expression for name, expression in _expressions().items()}
        rows = Item.objects.filter(pk__in=chunk).annotate(**names).values("pk", *names)
        steps = _replies_in_approval(chunk)
        assignments = _assignments(chunk)
        for row in rows:
            facts = {name.removeprefix("derived_"): row[name] for name in names}
            facts["replies_in_approval"] = steps.get(row["pk"], {})
            # Each of its assignments keeps the item's next due date (a unit's list sorts on it).
            facts["assignments_next_due_on"] = {pk: facts["next_due_on"] for pk, _due in assignments.get(row["pk"], ())}
            derived[row["pk"]] = facts
    return derived


def _assignments(item_ids) -> dict[int, list]:
    """Per item, its assignments' (id, stored copy of the item's next due date)."""
    found = {}
    rows = Assignment.objects.filter(item_id__in=item_ids).values_list("item_id", "pk", "item_next_due_on")
    for item_id, pk, due in rows.order_by():
        found.setdefault(item_id, []).append((pk, due))
    return found


def stored_list_facts(item_ids) -> dict[int, dict]:
    stored = {row.pop("pk"): row for row in Item.objects.filter(pk__in=item_ids).values("pk", *LIST_FACTS)}
    assignments = _assignments(list(stored))
    for pk, facts in stored.items():
        facts["assignments_next_due_on"] = dict(assignments.get(pk, ()))
    return stored


def as_read(*, everything=False, district_ids=(), unit_ids=()):
    """(waits_for, waiting_on) expressions on Item for a reader, from the stored facts only.

    A reader who sees every reply (`everything`, or an item of `district_ids`) reads the office's
    facts. Another reads them too unless they name an approval step; then the first step at which
    a reply of one of `unit_ids` (the reader's units) sits, else the facts without replies in
    approval. So a co-unit and a proposer see "the reply" until it is sent, a split lead its own
    reply's step: `waits(visible replies)` (the property test checks it for every reader).
    """
    if everything:
        return F("office_waits_for"), F("office_waiting_on")
    plain = ~Q(office_waits_for__in=list(APPROVAL_STEPS.values()))
    if district_ids:
        plain |= Q(district_id__in=sorted(district_ids))
    waits_for, waiting_on = [When(plain, then=F("office_waits_for"))], [When(plain, then=F("office_waiting_on"))]
    steps = REPLY_HOLDERS.items() if unit_ids else ()
    for step, holder in steps:
        code = APPROVAL_STEPS[step]
        at = reduce(operator.or_, (Q(**{f"replies_in_approval__u{unit}": code}) for unit in sorted(unit_ids)))
        waits_for.append(When(at, then=Value(code)))
        waiting_on.append(When(at, then=Value(str(holder))))
    return (
        Case(*waits_for, default=F("outside_waits_for"), output_field=CharField()),
        Case(*waiting_on, default=F("outside_waiting_on"), output_field=CharField()),
    )


# --- keeping them: the items each verb locked ---------------------------------------------------

_locked = ContextVar("list_facts_locked", default=())


def note_locked(item_id) -> None:
    """`services.locking.lock_item` says which item a verb holds: its facts are stored when the verb ends."""
    for ids in _locked.get():
        ids.add(item_id)


def keeps_list_facts(verb):
    """Run a workflow verb in a transaction that ends by storing the list facts of every item it locked.

    The verb's own `transaction.atomic()` becomes a savepoint inside this one; a refusal rolls
    everything back as before. Nested verbs each store their own items. The obligations the verb
    opens, ends or moves leave their items' next due date to this (`obligations.next_due_kept_in`):
    it is written once, at the end, with the other facts. The history rows the
    verb writes name its `actor`, from whichever entry point (`audit.context.acting_as`).
    """

    @functools.wraps(verb)
    def run(*args, **kwargs):
        ids = set()
        token = _locked.set((*_locked.get(), ids))
        try:
            with transaction.atomic(), acting_as(kwargs.get("actor")), next_due_kept_in(ids):
                result = verb(*args, **kwargs)
                store_list_facts(ids)
        finally:
            _locked.reset(token)
        return result

    return run
