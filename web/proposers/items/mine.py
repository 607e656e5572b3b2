"""A proposer's own items (我的建议提案), read in a constant number of queries, and where each stands in words.

The rows are `visible_items` (the one definition of what a user may see) narrowed to the items of
the proposers the user speaks for (a deputy or member, or a group's staff for the group): those
they lead or co-signed, and those theirs were merged into. One query reads a page of them with, as
JSON subqueries PostgreSQL evaluates for the page's rows only, the user's links to each item, its
units, what its lead units and its proposers still owe by when, and the user's feedback; then one
query reads the replies sent on them and one their files.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from deadlines.models import REPLY_KINDS, ObligationKind
from districts.models import Role
from districts.selectors import active_memberships, json_list
from proposals.models import Item, ItemProposer
from workflow.models import Assignment, Feedback, Obligation, Reply
from workflow.selectors import visible_items, visible_replies

from ...items.labels import WAITS_FOR

# What a proposer waits on the units and on themselves for: the reply (again, after a disagreement), their feedback.
OWED = (*REPLY_KINDS, ObligationKind.FEEDBACK)


def proposer_ids(user) -> set:
    """The proposers `user` speaks for (a deputy or member, a group's staff): no query, the roles are loaded."""
    return {m.proposer_id for m in active_memberships(user) if m.role == Role.PROPOSER}


def my_items(user):
    """The items of `user`'s proposers, each with what the page shows of it, soonest due first, closed last."""
    ids = sorted(proposer_ids(user))
    links = ItemProposer.objects.filter(proposer_id__in=ids)
    mine = Q(pk__in=links.values("item_id")) | Q(pk__in=links.values("item__merged_into_id"))
    return (
        visible_items(user)
        .filter(mine)
        .select_related("category", "merged_into")
        .annotate(
            my_links=json_list(links, "item", lead=F("is_lead"), name=F("proposer__name")),
            unit_rows=json_list(
                Assignment.objects.active(),
                "item",
                name=F("unit__name"),
                role=F("role"),
                at=F("assigned_at"),
                link=F("pk"),
            ),
            owed_rows=json_list(
                Obligation.objects.open().filter(kind__in=OWED),
                "item",
                kind=F("kind"),
                round=F("round"),
                unit=F("unit__name"),
                due=F("due_on"),
            ),
            feedback_rows=json_list(
                Feedback.objects.filter(proposer_id__in=ids),
                "item",
                round=F("round"),
                agrees=F("agrees"),
                praised=F("praised"),
                rating=F("rating__label"),
                at=F("submitted_at"),
            ),
        )
        .order_by(F("next_due_on").asc(nulls_last=True), "-year", "-pk")
    )


@dataclass
class Mine:
    """One item as its proposer reads it on their phone."""

    item: Item
    role: str  # lead proposer, co-signer, or through an item merged into this one
    stage: str  # where it stands, in a sentence
    due: object  # the date the item waits for now (the reply, or the feedback), or None
    overdue: bool  # that date has passed (the item's own `is_overdue` may be another obligation's: a consultation)
    lead_units: list = field(default_factory=list)
    co_units: list = field(default_factory=list)
    feedback: list = field(default_factory=list)  # the user's feedback, oldest round first
    replies: list = field(default_factory=list)  # the replies sent, oldest first
    feedback_open: bool = False  # the user may give (one of) their feedback on the current round now


def day(value):
    """A date as the reader's language writes it (2027年3月2日)."""
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _parse_day(value):
    """A date of the JSON rows (ISO text)."""
    return dt.date.fromisoformat(value) if value else None


def _role(item):
    links = item.my_links or ()
    if any(link["lead"] for link in links):
        return _("Lead proposer")
    if links:
        return _("Co-signer")
    return _("Through an item merged into this one")


def _stage(item, owed, feedback_in):
    """The sentence of where the item stands: "办理中：区交通委应于2027年3月2日前答复"."""
    state = item.state
    replies_owed = [row for row in owed if row["kind"] in REPLY_KINDS and row["round"] == item.round]
    if state == Item.State.RECEIVED:
        return _("Received: the district office reviews it for registration.")
    if state == Item.State.REGISTERED:
        return _("Registered: the district office assigns it to handling units.")
    if state == Item.State.HANDLING and replies_owed:
        again = item.round > 1
        parts = [
            (_("%(unit)s replies again by %(date)s") if again else _("%(unit)s replies by %(date)s"))
            % {"unit": row["unit"], "date": day(_parse_day(row["due"]))}
            for row in replies_owed
        ]
        prefix = _("Handled again after a disagreement") if again else _("Being handled")
        return _("%(stage)s: %(what)s.") % {"stage": prefix, "what": _("; ").join(parts)}
    if state == Item.State.HANDLING:
        return _("Being handled: %(what)s.") % {"what": WAITS_FOR.get(item.waits_for, "")}
    if state == Item.State.REPLIED:
        window = [row for row in owed if row["kind"] == ObligationKind.FEEDBACK and row["round"] == item.round]
        until = day(_parse_day(window[0]["due"])) if window else ""
        if feedback_in:
            return _("Replied: your feedback is in; the other proposers may give theirs until %(date)s.") % {
                "date": until
            }
        if window and _parse_day(window[0]["due"]) < timezone.localdate():
            return _("Replied: the feedback window ended on %(date)s.") % {"date": until}
        if until:
            return _("Replied: your feedback is awaited until %(date)s.") % {"date": until}
        return _("Replied: your feedback is awaited.")
    if state == Item.State.FOLLOWING_UP:
        return _("Following up: the units report progress until the outcome is delivered.")
    if state == Item.State.CLOSED:
        return _("Closed on %(date)s.") % {"date": day(item.closed_at and timezone.localtime(item.closed_at).date())}
    if state == Item.State.REJECTED:
        return _("Not registered: %(reason)s") % {"reason": item.rejection_reason or "—"}
    if state == Item.State.MERGED and item.merged_into_id:
        return _("Merged into item %(number)s: you receive its reply.") % {"number": item.merged_into.number}
    return item.get_state_display()


def _due(item, owed):
    kinds = (ObligationKind.FEEDBACK,) if item.state == Item.State.REPLIED else REPLY_KINDS
    dates = [_parse_day(row["due"]) for row in owed if row["kind"] in kinds and row["round"] == item.round]
    return min(dates) if dates else None


def read(item, replies) -> Mine:
    """`item` of `my_items` in words, with its `replies` (sent, oldest first)."""
    owed = item.owed_rows or ()
    feedback = sorted(item.feedback_rows or (), key=lambda row: (row["round"], row["at"]))
    given_now = sum(row["round"] == item.round for row in feedback)
    feedback_in = given_now > 0
    units = sorted(item.unit_rows or (), key=lambda row: (row["at"], row["link"]))
    due = _due(item, owed)
    return Mine(
        item=item,
        role=_role(item),
        stage=_stage(item, owed, feedback_in),
        due=due,
        overdue=due is not None and due < timezone.localdate(),
        lead_units=[row["name"] for row in units if row["role"] != Assignment.Role.CO],
        co_units=[row["name"] for row in units if row["role"] == Assignment.Role.CO],
        feedback=feedback,
        replies=replies,
        # Open while one of the user's proposers on the item has not answered, until the window's last day.
        feedback_open=item.state == Item.State.REPLIED
        and given_now < max(1, len(item.my_links or ()))
        and not (due is not None and due < timezone.localdate()),
    )


def sent_replies(user, items):
    """The replies sent on `items` that `user` may read, by item id, oldest first: two queries (replies, files)."""
    if not items:
        return {}
    rows = (
        visible_replies(user)
        .filter(assignment__item__in=[item.pk for item in items], state=Reply.State.SENT)
        .select_related("assignment__unit", "category")
        .prefetch_related("attachments")
        .order_by("sent_at", "pk")
    )
    by_item = {}
    for reply in rows:
        by_item.setdefault(reply.assignment.item_id, []).append(reply)
    return by_item
