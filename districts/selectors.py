"""Read paths for people and their roles."""

import math

from django.db.models import Aggregate, F, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject

from .models import District, HandlingUnit, Membership, Proposer

# The annotation `with_active_memberships` puts on a user: their active roles as one JSON list.
MEMBERSHIPS = "active_memberships_json"


class JSONList(Aggregate):
    """The rows' values as one JSON list (`JSONB_AGG` on PostgreSQL, `JSON_GROUP_ARRAY` on SQLite), in no order.

    Rows a page shows next to each of its items (its proposers, its units) or next to the user (their
    roles) come in the query that reads the item or the user, instead of a query of their own.
    """

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def json_list(rows, link, /, **values):
    """A subquery: `values` (name: expression) of the `rows` whose `link` is the outer row's pk, as a JSON list."""
    return Subquery(
        rows.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(rows=JSONList(JSONObject(**values)))
        # No row at all is an empty list, not NULL.
        .values("rows")[:1],
        output_field=JSONField(),
    )


# The fields of each model a membership brings along, read from the JSON by their attnames.
_RELATED = {"district": District, "unit": HandlingUnit, "proposer": Proposer}


def _fields(model):
    return list(model._meta.concrete_fields)


def with_active_memberships(users):
    """`users`, each with their active roles and each role's district, unit and proposer, in the same query.

    `active_memberships` reads them from there (no query of its own): the user is loaded once per
    request (`notifications.inbox.InboxUserBackend`), so every page's roles cost nothing more.
    """
    values = {f.attname: F(f.attname) for f in _fields(Membership)}
    for name, model in _RELATED.items():
        values[name] = JSONObject(**{f.attname: F(f"{name}__{f.attname}") for f in _fields(model)})
    return users.annotate(**{MEMBERSHIPS: json_list(Membership.objects.filter(is_active=True), "user", **values)})


def _instance(model, data):
    obj = model(**{f.attname: f.to_python(data[f.attname]) for f in _fields(model)})
    obj._state.adding, obj._state.db = False, "default"
    return obj


def _from_json(rows):
    memberships = []
    for row in rows:
        membership = _instance(Membership, row)
        for name, model in _RELATED.items():
            if getattr(membership, f"{name}_id") is not None:
                setattr(membership, name, _instance(model, row[name]))
        memberships.append(membership)

    def order(m):  # as the query orders them: role, then the district's and the unit's order, nulls last
        district, unit = m.district if m.district_id else None, m.unit if m.unit_id else None
        return (
            m.role,
            district is None,
            district.sort_order if district else 0,
            unit is None,
            unit.sort_order if unit else 0,
            m.pk or math.inf,
        )

    return sorted(memberships, key=order)


def active_memberships(user):
    """The user's active roles with their scope, in one query (cached on the user object).

    No query at all when the user was loaded `with_active_memberships` (the session's user is).
    """
    cached = getattr(user, "_active_memberships", None)
    if cached is None:
        loaded = getattr(user, MEMBERSHIPS, False)
        if loaded is not False:
            cached = _from_json(loaded or [])
        else:
            cached = list(
                Membership.objects.filter(user=user, is_active=True)
                .select_related("district", "unit", "proposer")
                .order_by("role", "district__sort_order", "unit__sort_order")
            )
        user._active_memberships = cached
    return cached
