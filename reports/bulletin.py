"""The status bulletin (情况专报): which units were late, what the office sent back, what is disputed.

The seeds issue one in April, July and November, naming units. It is built only from
frozen data, so the same period gives the same bulletin whenever it is printed:
- overdue work: obligations owed by a unit that were still open past their due date at
  the end of the period (working days overdue counted to that day), and those fulfilled late
  during the period (their `on_time` flag frozen when done, working days late to that day),
  both by `deadlines.calendar.overdue_workdays`, as the item page and the reminders count;
- replies the office sent back to a unit, with its reason: timeline events
  `reply.sent_back` whose `step` was the office's review (`awaiting_office`);
- items whose proposer disagreed with the reply during the period;
- units with work on this body in the period (an obligation running in it, on an assignment
  not returned) and nothing overdue.
Five queries whatever the number of units or items.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from deadlines.calendar import overdue_workdays
from deadlines.models import ObligationKind
from districts.models import Body, HandlingUnit
from proposals.models import Item
from workflow.models import Assignment, Event, Feedback, Obligation
from workflow.models.obligations import open_at

OFFICE_SEND_BACK = {"action": "reply.sent_back", "data__step": "awaiting_office"}


@dataclass(frozen=True)
class OverdueWork:
    unit: HandlingUnit
    item: Item
    kind: str
    due_on: dt.date
    done_on: dt.date | None  # None: still open at the end of the period
    days: int  # working days overdue at `done_on` or the end of the period

    @property
    def kind_label(self):
        return ObligationKind(self.kind).label


@dataclass(frozen=True)
class SentBack:
    unit: HandlingUnit
    item: Item
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class Disagreement:
    item: Item
    units: list
    proposer: str
    round: int
    at: dt.datetime
    comment: str


@dataclass
class Bulletin:
    district: object
    body: str
    start: dt.date
    end: dt.date
    overdue: list[OverdueWork]
    sent_back: list[SentBack]
    disagreements: list[Disagreement]
    clean_units: list[HandlingUnit]

    @property
    def title(self):
        return _("Status bulletin: %(items)s of %(district)s, %(start)s to %(end)s") % {
            "items": _body_items(self.body),
            "district": self.district.name,
            "start": formats.date_format(self.start, "DATE_FORMAT"),
            "end": formats.date_format(self.end, "DATE_FORMAT"),
        }

    @property
    def overdue_units(self):
        """The units named for overdue work, each with its entries, in the units' official order."""
        grouped = {}
        for entry in self.overdue:
            grouped.setdefault(entry.unit, []).append(entry)
        return list(grouped.items())


def _body_items(body):
    if body == Body.NPC:
        return pgettext("report draft", "suggestions")
    return pgettext("report draft", "proposals")


def _start_of(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def status_bulletin(*, district, body, start, end) -> Bulletin:
    items = Item.objects.filter(district=district, body=body, review=Item.Review.REGISTERED).values("pk")
    since, until = _start_of(start), _start_of(end + dt.timedelta(days=1))
    local = timezone.get_current_timezone()

    open_at_end = Q(due_on__lt=end) & open_at(until)
    late_in_period = Q(on_time=False, fulfilled_at__gte=since, fulfilled_at__lt=until)
    overdue = []
    for o in (
        Obligation.objects.filter(item__in=items, owner=Obligation.Owner.UNIT)
        .filter(open_at_end | late_in_period)
        .select_related("item", "unit")
        .order_by("unit__sort_order", "unit__name", "due_on", "pk")
    ):
        done_on = o.fulfilled_at.astimezone(local).date() if o.fulfilled_at and o.fulfilled_at < until else None
        days = overdue_workdays(o.due_on, done_on or end)
        overdue.append(OverdueWork(o.unit, o.item, o.kind, o.due_on, done_on, days))

    sent_back = [
        SentBack(e.assignment.unit, e.item, e.at, e.data.get("reason", ""))
        for e in Event.objects.filter(item__in=items, at__gte=since, at__lt=until, **OFFICE_SEND_BACK)
        .select_related("item", "assignment__unit")
        .order_by("assignment__unit__sort_order", "at", "pk")
    ]

    feedback = list(
        Feedback.objects.filter(item__in=items, agrees=False, submitted_at__gte=since, submitted_at__lt=until)
        .select_related("item", "proposer")
        .order_by("submitted_at", "pk")
    )
    leads = {}
    for a in (
        Assignment.objects.active_leads()
        .filter(item__in=[f.item_id for f in feedback])
        .select_related("unit")
        .order_by("unit__sort_order")
    ):
        leads.setdefault(a.item_id, []).append(a.unit)
    disagreements = [
        Disagreement(f.item, leads.get(f.item_id, []), f.proposer.name, f.round, f.submitted_at, f.comment)
        for f in feedback
    ]

    # Work in the period: an obligation of the unit running at some time in it, on an assignment
    # it had not returned by the end of the period (a returned item was never its work).
    named = {entry.unit.pk for entry in overdue}
    worked = (
        Obligation.objects.open_at(since)
        .filter(item__in=items, owner=Obligation.Owner.UNIT, starts_on__lte=end)
        .exclude(assignment__state=Assignment.State.RETURNED, assignment__returned_at__lt=until)
    )
    clean = list(
        HandlingUnit.objects.filter(district=district, pk__in=worked.values("unit_id"))
        .exclude(pk__in=named)
        .order_by("sort_order", "name")
    )
    return Bulletin(district, body, start, end, overdue, sent_back, disagreements, clean)


def bulletin_sections(bulletin: Bulletin) -> list[tuple[str, str, list[str], list[tuple]]]:
    """(heading, sentence, table headers, table rows) for each part, as the page and the Word file show them."""

    def day(value):
        return formats.date_format(value, "DATE_FORMAT") if value else _("not yet")

    def local_day(value):
        return day(timezone.localtime(value).date())

    overdue_units = bulletin.overdue_units
    return [
        (
            _("1. Overdue work"),
            _("%(units)s units had work past its deadline: %(entries)s obligations in all.")
            % {"units": len(overdue_units), "entries": len(bulletin.overdue)}
            if bulletin.overdue
            else _("No unit had work past its deadline."),
            [_("Unit"), _("Item"), _("Obligation"), _("Due on"), _("Done on"), _("Working days overdue")],
            [
                (str(e.unit), f"{e.item.number} {e.item.title}", e.kind_label, day(e.due_on), day(e.done_on), e.days)
                for e in bulletin.overdue
            ],
        ),
        (
            _("2. Replies sent back by the office"),
            _("The office sent %(count)s replies back to their units.") % {"count": len(bulletin.sent_back)}
            if bulletin.sent_back
            else _("The office sent no reply back."),
            [_("Unit"), _("Item"), _("Sent back on"), _("Reason")],
            [(str(s.unit), f"{s.item.number} {s.item.title}", local_day(s.at), s.reason) for s in bulletin.sent_back],
        ),
        (
            _("3. Items with a disagreement"),
            _("%(count)s proposers disagreed with the reply.") % {"count": len(bulletin.disagreements)}
            if bulletin.disagreements
            else _("No proposer disagreed with a reply."),
            [_("Item"), _("Lead units"), _("Proposer"), _("Round"), _("On"), _("Comment")],
            [
                (
                    f"{d.item.number} {d.item.title}",
                    pgettext("list separator", ", ").join(str(u) for u in d.units),
                    d.proposer,
                    d.round,
                    local_day(d.at),
                    d.comment,
                )
                for d in bulletin.disagreements
            ],
        ),
        (
            _("4. Units with no overdue work"),
            pgettext("list separator", ", ").join(str(u) for u in bulletin.clean_units) or _("None."),
            [],
            [],
        ),
    ]
