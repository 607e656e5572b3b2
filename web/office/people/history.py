"""Who changed a unit or a person, when, and what: read from the simple-history tables.

Every staffing service saves with the actor as history user (`workflow.services.staffing`), so
these rows answer "who made this change" for changes made here, in the admin or by a command.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext

# Fields nobody reads in a change list.
HIDDEN = {"id", "password", "last_login", "date_joined", "is_superuser", "is_staff"}


@dataclass
class Change:
    at: object
    who: object  # the user who made it, None for the system
    what: str  # "created", "changed", "deleted" in the reader's words, with the object
    fields: list = field(default_factory=list)  # [(label, old, new)]


def _shown(record, f):
    if f.is_relation:
        return str(getattr(record, f.name) or "—")
    if f.choices:
        return str(dict(f.flatchoices).get(getattr(record, f.attname), "—"))
    value = getattr(record, f.attname)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value) if value not in (None, "") else "—"


def changes_of(*objects, limit=30) -> list[Change]:
    """The changes of `objects` (units, users, memberships), newest first, at most `limit`."""
    verbs = {"+": gettext("added"), "~": gettext("changed"), "-": gettext("deleted")}
    changes = []
    for obj in objects:
        fields = [f for f in obj._meta.concrete_fields if f.name not in HIDDEN]
        related = [f.name for f in fields if f.is_relation]
        records = obj.history.select_related("history_user", *related).order_by("history_date", "history_id")
        previous = None
        for record in records:
            changed = []
            if previous is not None:
                changed = [
                    (f.verbose_name, _shown(previous, f), _shown(record, f))
                    for f in fields
                    if getattr(previous, f.attname) != getattr(record, f.attname)
                ]
            if previous is None or changed:
                label = f"{obj._meta.verbose_name} {verbs.get(record.history_type, '')}"
                changes.append(Change(record.history_date, record.history_user, label, changed))
            previous = record
    return sorted(changes, key=lambda c: c.at, reverse=True)[:limit]
