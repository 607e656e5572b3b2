"""Recording past handling from a spreadsheet (domain §7): replies, feedback, closure, publication.

The workflow's preconditions (a consultation before a reply, the approval chain, the
windows) do not apply to history: the rows are written directly, in bulk, with their
simple-history records, and every item gets an `item.imported` event saying so. No
obligation is opened for them, so they never set off a reminder. A past item not closed
stands as a live one at its stage: its lead units hold it accepted (their follow-up, closing
report or a converted outcome is still to come), its co-units are done.
"""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.utils import timezone

from proposals.models import Item

from ..models import Assignment, Event, Feedback, Reply
from ..progress import store_list_facts
from ..signals import items_imported

# Past handling has dates, not times: record each act at noon, so it falls on its day in any report.
NOON = dt.time(12)


@dataclass
class HistoricalRecord:
    """One imported item and what the spreadsheet says happened to it."""

    item_id: int
    row: int
    lead_units: list
    co_units: list
    assigned_on: dt.date | None
    replied_on: dt.date
    outcome: object  # OutcomeCategory
    planned_on: dt.date | None = None
    rating: object = None  # RatingValue
    praised: bool = False
    disclosed: bool = False
    proposer: object = None  # the lead Proposer, who gave the feedback
    closed: bool = False


def moment(day):
    return timezone.make_aware(dt.datetime.combine(day, NOON))


def historical_state(*, outcome, closed):
    """Where a past item stands: closed, still followed up (its category stays open), or awaiting feedback."""
    if closed:
        return Item.State.CLOSED
    if outcome.stays_open:
        return Item.State.FOLLOWING_UP
    return Item.State.REPLIED


# Values the database driver cannot take as they are: the field prepares them (JSON, dates on SQLite…).
_PREPARED = {"JSONField", "DateTimeField", "DateField", "TimeField", "DecimalField", "UUIDField", "DurationField"}
_TEXT = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}
BATCH = 2000


def _text(value):
    return value if value is None or type(value) is str else str(value)  # TextChoices members → plain str


def _columns(model):
    """The model's columns an INSERT names: all but an auto-increment primary key."""
    return [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.get_internal_type().endswith("AutoField"))
    ]


_NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value):
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, dt.date):  # and datetime: aware datetimes keep their offset
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy_preparer(field):
    """What turns a field's value into something _copy_text writes as the database would store it."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return lambda v: json.dumps(v, cls=field.encoder)
    if kind == "DateTimeField":
        return lambda v: field.get_prep_value(v) if isinstance(v, dt.datetime) and v.tzinfo is None else v
    return None


def _copy(cursor, connection, model, fields, rows, *, returning):
    """PostgreSQL: the rows through COPY, with ids taken from the table's sequence first (COPY returns none)."""
    qn = connection.ops.quote_name
    pk = model._meta.pk
    ids = []
    if returning:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [qn(model._meta.db_table), pk.column, len(rows)],
        )
        ids = [r[0] for r in cursor.fetchall()]
        fields = [pk, *fields]
        rows = [{pk.attname: i, **row} for i, row in zip(ids, rows, strict=True)]
    names = [f.attname for f in fields]
    prepare = [_copy_preparer(f) for f in fields]
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(f.column) for f in fields)
    buffer = io.StringIO()
    texts = [f.attname for f in fields if f.get_internal_type() in _TEXT]
    if any(row[n] == _NULL for row in rows for n in texts):  # a text that reads as NULL in CSV: the slow way
        for row in rows:
            line = (row[n] if p is None or row[n] is None else p(row[n]) for n, p in zip(names, prepare, strict=True))
            buffer.write("\t".join(map(_copy_text, line)) + "\n")
        sql = f"COPY {table} ({columns}) FROM STDIN"
    else:
        values = [[_NULL if (x := row[n]) is None else x for n in names] for row in rows]
        for j, p in enumerate(prepare):
            if p:
                for v in values:
                    if v[j] is not _NULL:
                        v[j] = p(v[j])
        # csv (C) writes str() of each value: TextChoices give their value, datetimes their offset, bools True/False.
        csv.writer(buffer, lineterminator="\n").writerows(values)
        sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    buffer.seek(0)
    # The driver's own cursor bypasses Django's error translation: without it a duplicate number
    # imported meanwhile would raise psycopg2's UniqueViolation, not the IntegrityError callers catch.
    with connection.wrap_database_errors:
        cursor.cursor.copy_expert(sql, buffer)
    return ids


def _complete(fields, rows):
    """Each row given as {attname: value} with the fields it leaves out set as a new model instance sets them."""
    constant, computed = {}, {}
    saved_at = timezone.now()  # what auto_now fields get on save, whatever `now` the import was given
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constant[f.attname] = saved_at
        elif f.has_default() and callable(f.default):
            computed[f.attname] = f.get_default
        else:
            constant[f.attname] = f.get_default()
    out = []
    for row in rows:
        full = {**constant, **row}
        for name, default in computed.items():
            if name not in row:
                full[name] = default()
        out.append(full)
    return out


def _insert(model, fields, rows, *, returning):
    """Multi-row INSERTs of `rows` (complete dicts); the new primary keys in order if `returning`."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if hasattr(cursor.cursor, "copy_expert"):  # psycopg2
                return _copy(cursor, connection, model, fields, rows, returning=returning)
    prepare = []
    for f in fields:
        kind = f.get_internal_type()
        if kind in _PREPARED:
            prepare.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        elif kind in _TEXT:
            prepare.append(_text)
        else:
            prepare.append(None)
    names = [f.attname for f in fields]
    qn = connection.ops.quote_name
    # Table and column names come from the model's metadata, quoted; every value is a parameter.
    into = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    bulk_returns = connection.features.can_return_rows_from_bulk_insert
    size = max(1, min(BATCH, connection.ops.bulk_batch_size(fields, rows) or BATCH))
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            values = [
                [p(row[n]) if p else row[n] for n, p in zip(names, prepare, strict=True)]
                for row in rows[start : start + size]
            ]
            if returning and not bulk_returns:
                for v in values:
                    cursor.execute(into + one, v)
                    ids.append(cursor.lastrowid)
                continue
            sql = into + ", ".join([one] * len(values))
            params = [x for v in values for x in v]
            if returning:
                cursor.execute(f"{sql} RETURNING {qn(model._meta.pk.column)}", params)
                ids.extend(r[0] for r in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids


def insert_rows(model, rows, *, now, history_user=None, history=None):
    """Insert `rows` ({attname: value}; the other fields get their defaults) and return their new ids, in order.

    With `history` true (a model with simple-history) each row also gets its "+" record, as
    bulk_create_with_history writes it (history_date `now`, history_user, empty change reason), but
    without building model instances: an import of 10,000 past rows writes about 115,000 rows.
    """
    if not rows:
        return []
    fields = _columns(model)
    full = _complete(fields, rows)
    ids = _insert(model, fields, full, returning=True)
    if history and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        historical = model.history.model
        user = history_user or historical.get_default_history_user(None)
        user_id = user.pk if user is not None else None
        tracked = [f.attname for f in historical.tracked_fields]
        pk = model._meta.pk.attname
        records = []
        for new_id, row in zip(ids, full, strict=True):
            record = {name: row.get(name) for name in tracked}
            record[pk] = new_id
            record.update(history_date=now, history_user_id=user_id, history_change_reason="", history_type="+")
            records.append(record)
        history_fields = _columns(historical)
        _insert(historical, history_fields, _complete(history_fields, records), returning=False)
    return ids


def record_imported(*, actor, now, source, items, history):
    """An `item.imported` event for each of `items` ((item id, row); live and past), and the rows of `history`.

    Then `items_imported` (workflow.signals), in the import's transaction: these rows are written
    in bulk, without an `event_recorded` each.
    """
    _record_imported(actor=actor, now=now, source=source, items=items, history=history)
    store_list_facts([item_id for item_id, _row in items])  # what the lists read (workflow.progress)
    items_imported.send(sender=Event, item_ids=[item_id for item_id, _row in items])


def _record_imported(*, actor, now, source, items, history):
    actor_id = actor.pk if actor is not None else None
    past = {h.item_id for h in history}
    insert_rows(
        Event,
        [
            {
                "item_id": item_id,
                "action": "item.imported",
                "actor_id": actor_id,
                "at": now,
                "data": {"source": source, "row": row, "historical": item_id in past},
            }
            for item_id, row in items
        ],
        now=now,
    )
    if not history:
        return
    new = {"now": now, "history_user": actor, "history": True}
    assignments, leads_of = [], []
    for h in history:
        assigned_at = moment(h.assigned_on or h.replied_on)
        lead_role = Assignment.Role.SPLIT_LEAD if len(h.lead_units) > 1 else Assignment.Role.LEAD
        lead_state = Assignment.State.DONE if h.closed else Assignment.State.ACCEPTED
        for units, role, state in (
            (h.lead_units, lead_role, lead_state),
            (h.co_units, Assignment.Role.CO, Assignment.State.DONE),
        ):
            for unit in units:
                assignments.append(
                    {
                        "item_id": h.item_id,
                        "unit_id": unit.pk,
                        "role": role,
                        "state": state,
                        "assigned_at": assigned_at,
                        "accepted_at": assigned_at,
                        "assigned_by_id": actor_id,
                    }
                )
                leads_of.append(h if role != Assignment.Role.CO else None)
    assignment_ids = insert_rows(Assignment, assignments, **new)
    replies = []
    for assignment_id, h in zip(assignment_ids, leads_of, strict=True):
        if h is None:
            continue
        sent_at = moment(h.replied_on)
        replies.append(
            {
                "assignment_id": assignment_id,
                "round": 1,
                "kind": Reply.Kind.REPLY,
                "state": Reply.State.SENT,
                "category_id": h.outcome.pk,
                "category_at_reply_id": h.outcome.pk,
                "planned_on": h.planned_on,
                "sent_at": sent_at,
                "sent_by_id": actor_id,
                "published_at": sent_at if h.disclosed else None,
                "published_by_id": actor_id if h.disclosed else None,
            }
        )
    insert_rows(Reply, replies, **new)
    feedback = [
        {
            "item_id": h.item_id,
            "round": 1,
            "proposer_id": h.proposer.pk if h.proposer is not None else None,
            "rating_id": h.rating.pk if h.rating is not None else None,
            "praised": h.praised,
            "recorded_by_id": actor_id,
            "on_behalf": True,
            "submitted_at": moment(h.replied_on),
        }
        for h in history
        if h.rating is not None or h.praised
    ]
    insert_rows(Feedback, feedback, **new)
