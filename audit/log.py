"""The one writer of the audit log: `record(action=..., obj=..., outcome=..., **details)`."""

from .context import client_address, current_actor, current_request
from .models import Action, AuditEntry, Outcome

__all__ = ["Action", "Outcome", "record"]

REPR_CHARS = 200


def record(*, action, obj=None, outcome=Outcome.OK, user=None, username="", request=None, at=None, **details):
    """Write one entry; who and from where default to the current request or `acting_as` actor.

    `obj` is a model instance (type, id and short name are kept) or a (type, id, name) tuple;
    `username` is the name as typed, for a login that names no user; `details` are kept as JSON
    (which file) and must be JSON-serialisable; a request's path and query (the filters) are added.
    """
    request = request or current_request()
    user = user or current_actor()
    if user is not None and not user.is_authenticated:
        user = None
    object_type, object_id, object_repr = _describe(obj)
    if request is not None:
        query = {"query": dict(request.GET.lists())} if getattr(request, "GET", None) else {}
        details = {"path": request.path, **query, **details}
    fields = {
        "user": user,
        "username": (user.get_username() if user is not None else username)[:150],
        "address": client_address(request),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr[:REPR_CHARS],
        "outcome": outcome,
        "details": details,
    }
    if at is not None:
        fields["at"] = at
    return AuditEntry.objects.create(**fields)


def _describe(obj):
    if obj is None:
        return "", "", ""
    if isinstance(obj, tuple):
        kind, pk, name = obj
        return kind, str(pk), str(name)
    return obj._meta.label_lower, str(obj.pk), str(obj)
