"""One mapping from a refusal to what a person is told: a status, a stable code, a sentence, the field it names.

The workflow services refuse with `workflow.errors` (their status is on the class); Django's
views with `Http404` and `PermissionDenied`. Every browser view, the fallback middleware and
the API's exception handler ask `refusal_of`, so one refusal answers the same everywhere:

    WorkflowError  400  bad input or wrong state (the service's reason)
    NotAllowed     403  wrong role for an object the actor may see
    NotFound       404  outside the actor's scope, told exactly like a missing object
    Conflict       409  someone else acted first
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from audit.context import current_actor, current_request
from audit.log import Action, Outcome, record
from workflow.errors import WorkflowError


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    detail: str
    field: str | None = None


def refusal_of(exc) -> Refusal | None:
    """The refusal `exc` stands for, or None when it is not a refusal (a bug: let it be a 500).

    A refusal of an object outside the actor's scope or role (404, 403) is written to the audit
    log once per refusal, however often it is asked about.
    """
    if isinstance(exc, WorkflowError):
        refusal = Refusal(exc.status, exc.code, str(exc.message), exc.field)
    elif isinstance(exc, Http404):
        refusal = Refusal(404, "not_found", _("Not found."))  # never the message: it may name what exists
    elif isinstance(exc, PermissionDenied):
        refusal = Refusal(403, "not_allowed", str(exc) or _("Your role does not allow this."))
    else:
        return None
    audit_refusal(exc, refusal.status, refusal.code)
    return refusal


def audit_refusal(exc, status, code):
    """One audit row for a refusal by role (403) or scope (404), however often `exc` is asked about.

    Met inside a request's transaction (a one-time act rolls back when it is refused), the row is
    written once the request is answered (`RefusalMiddleware`), so the rollback cannot take it away.
    """
    if status not in (403, 404) or getattr(exc, "audited", False):
        return
    exc.audited = True
    entry = {
        "action": Action.REFUSED,
        "outcome": Outcome.REFUSED,
        "user": current_actor(),
        "status": status,
        "code": code,
    }
    request = current_request()
    if request is not None and transaction.get_connection().in_atomic_block:
        request.refusals_to_audit = [*getattr(request, "refusals_to_audit", ()), entry]
    else:
        record(**entry)


def write_deferred_refusals(request):
    """Write the refusals `audit_refusal` kept for the end of `request`."""
    for entry in request.__dict__.pop("refusals_to_audit", ()):
        record(**entry)


def audited(exc):
    """`exc` marked as written to the audit log already: a refusal raised again in another form."""
    exc.audited = True
    return exc


def add_to_form(form, refusal: Refusal):
    """Put the refusal beside the field it names, or above the form when it names none the form has."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.detail)
