"""The import service: preview what a file would create, then import it whole or not at all."""

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from districts.models import HandlingUnit, Proposer
from proposals.models import Category, Item, ItemProposer, Kind, Session
from workflow import access
from workflow.errors import NotAllowed, WorkflowError
from workflow.services import history_import
from workflow.services.assignment import assign_units

from .errors import ImportRejected, RowError
from .readers import read_table
from .rows import ParsedRow, parse_rows

# Historical rows that name no lead unit are recorded against this unit, so their replies have an assignment.
UNRECORDED_UNIT = "（未注明承办单位）"
CITY_KINDS = (Kind.CITY_LEAD, Kind.CITY_CO)
NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九", 0)}


@dataclass
class ImportPlan:
    """What an import creates: shown as the preview, returned as the result."""

    rows: list[ParsedRow]
    new_units: list[str] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    new_proposers: list[tuple] = field(default_factory=list)  # (body, name)
    new_sessions: list[tuple] = field(default_factory=list)  # (body, level, year, label)

    @property
    def historical(self):
        return sum(r.historical for r in self.rows)

    @property
    def live(self):
        return len(self.rows) - self.historical


def _chinese_number(text):
    """六 → 6, 十二 → 12, 二十 → 20, or digits; None if not a number."""
    if text.isdigit():
        return int(text)
    if text and all(c in NUMERALS or c == "十" for c in text):
        if "十" not in text:
            return int("".join(str(NUMERALS[c]) for c in text))
        tens, _sep, ones = text.partition("十")
        return NUMERALS.get(tens, 1) * 10 + (NUMERALS[ones] if ones else 0)
    return None


def session_numbers(label):
    """Term and session number of a label such as 六届一次; between sessions (闭会) is number 0; unknown 0, 0."""
    match = re.match(r"^(?:第)?(\w+?)届(?:第)?(\w+?)次", label)
    term = number = None
    if match:
        term, number = _chinese_number(match.group(1)), _chinese_number(match.group(2))
    elif (m := re.match(r"^(?:第)?(\w+?)届", label)) and "闭会" in label:
        term, number = _chinese_number(m.group(1)), 0
    return term or 0, number or 0


def _session_level(kind):
    return Session.Level.CITY if kind in CITY_KINDS else Session.Level.DISTRICT


def _require_office(actor, district):
    if not access.is_office(actor, district.pk):
        raise NotAllowed(_("Only the district office or an administrator may import items."))


def plan_import(*, actor, now, district, filename, data) -> ImportPlan:
    """Validate the file and say what importing it would create; writes nothing."""
    _require_office(actor, district)
    rows = parse_rows(read_table(filename, data), district=district, today=timezone.localdate(now))
    units = set(HandlingUnit.objects.filter(district=district).values_list("name", flat=True))
    unit_names = [n for r in rows for n in (r.lead_units + r.co_units)]
    if any(r.historical and not r.lead_units and r.kind != Kind.CITY_CO for r in rows):
        unit_names.append(UNRECORDED_UNIT)
    categories = set(Category.objects.filter(district=district).values_list("name", flat=True))
    proposers = set(Proposer.objects.filter(district=district).values_list("body", "name"))
    sessions = set(Session.objects.filter(district=district).values_list("body", "level", "year", "label"))
    return ImportPlan(
        rows=rows,
        new_units=[n for n in dict.fromkeys(unit_names) if n not in units],
        new_categories=[c for c in dict.fromkeys(r.category for r in rows if r.category) if c not in categories],
        new_proposers=[
            key for key in dict.fromkeys((r.body, n) for r in rows for n in r.proposers) if key not in proposers
        ],
        new_sessions=[
            key
            for key in dict.fromkeys((r.body, _session_level(r.kind), r.year, r.session) for r in rows if r.session)
            if key not in sessions
        ],
    )


def run_import(*, actor, now, district, filename, data) -> ImportPlan:
    """Import every row of the file in one transaction, or none: raises ImportRejected listing every bad row."""
    try:
        with transaction.atomic():
            plan = plan_import(actor=actor, now=now, district=district, filename=filename, data=data)
            _write(actor, now, district, filename, plan)
    except IntegrityError as exc:
        # Someone imported the same numbers between our check and our insert.
        raise ImportRejected(
            [RowError(None, "", _("Some of these numbers were imported meanwhile; try again."))]
        ) from exc
    return plan


def _write(actor, now, district, filename, plan):
    rows = plan.rows
    new = {"default_user": actor, "default_date": now}
    next_order = (Category.objects.filter(district=district).aggregate(m=Max("sort_order"))["m"] or 0) + 1
    bulk_create_with_history(
        [Category(district=district, name=n, sort_order=next_order + i) for i, n in enumerate(plan.new_categories)],
        Category,
        **new,
    )
    bulk_create_with_history([HandlingUnit(district=district, name=n) for n in plan.new_units], HandlingUnit, **new)
    bulk_create_with_history(
        [Proposer(district=district, body=body, name=name) for body, name in plan.new_proposers], Proposer, **new
    )
    bulk_create_with_history(
        [
            Session(district=district, body=body, level=level, year=year, label=label, term=term, number=number)
            for body, level, year, label in plan.new_sessions
            for term, number in [session_numbers(label)]
        ],
        Session,
        **new,
    )

    categories = {c.name: c for c in Category.objects.filter(district=district)}
    units = {u.name: u for u in HandlingUnit.objects.filter(district=district)}
    proposers = {(p.body, p.name): p for p in Proposer.objects.filter(district=district)}
    sessions = {(s.body, s.level, s.year, s.label): s for s in Session.objects.filter(district=district)}

    items = []
    for r in rows:
        closed = r.historical and r.closed
        session = sessions.get((r.body, _session_level(r.kind), r.year, r.session))
        category = categories.get(r.category)
        items.append(
            {
                "district_id": district.pk,
                "year": r.year,
                "body": r.body,
                "kind": r.kind,
                "number": r.number,
                "title": r.title,
                "session_id": session.pk if session else None,
                "category_id": category.pk if category else None,
                "review": Item.Review.REGISTERED,
                "state": history_import.historical_state(outcome=r.outcome, closed=closed)
                if r.historical
                else Item.State.REGISTERED,
                "is_key": r.key_item,
                "disclosure": Item.Disclosure.PUBLIC if r.disclosed else Item.Disclosure.ON_REQUEST,
                "closed_at": history_import.moment(r.replied_on) if closed else None,
                "is_imported": r.historical,
            }
        )
    item_ids = history_import.insert_rows(Item, items, now=now, history_user=actor, history=True)
    history_import.insert_rows(
        ItemProposer,
        [
            {"item_id": item_id, "proposer_id": proposers[(r.body, n)].pk, "is_lead": i == 0, "sort_order": i}
            for item_id, r in zip(item_ids, rows, strict=True)
            for i, n in enumerate(r.proposers)
        ],
        now=now,
    )
    history = [
        history_import.HistoricalRecord(
            item_id=item_id,
            row=r.row,
            lead_units=[units[n] for n in r.lead_units] or ([] if r.kind == Kind.CITY_CO else [units[UNRECORDED_UNIT]]),
            co_units=[units[n] for n in r.co_units],
            assigned_on=r.assigned_on,
            replied_on=r.replied_on,
            outcome=r.outcome,
            planned_on=r.planned_on,
            rating=r.rating,
            praised=r.praised,
            disclosed=r.disclosed,
            proposer=proposers[(r.body, r.proposers[0])] if r.proposers else None,
            closed=r.closed,
        )
        for item_id, r in zip(item_ids, rows, strict=True)
        if r.historical
    ]
    history_import.record_imported(
        actor=actor,
        now=now,
        source=filename,
        items=[(item_id, r.row) for item_id, r in zip(item_ids, rows, strict=True)],
        history=history,
    )
    live = Item.objects.in_bulk([item_id for item_id, r in zip(item_ids, rows, strict=True) if not r.historical])
    errors = []
    for item_id, r in zip(item_ids, rows, strict=True):
        if r.historical:
            continue
        try:
            assign_units(
                actor=actor,
                now=history_import.moment(r.assigned_on) if r.assigned_on else now,
                item=live[item_id],
                lead_units=[units[n] for n in r.lead_units],
                co_units=[units[n] for n in r.co_units],
                split=len(r.lead_units) > 1,
            )
        except WorkflowError as exc:
            errors.append(RowError(r.row, "", str(exc)))
    if errors:
        raise ImportRejected(errors)
