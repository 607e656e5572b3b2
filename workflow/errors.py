"""The errors workflow services raise; every entry point maps them the same way.

Messages are translatable sentences that say what is wrong or missing; views show
them, the API returns them (400 / 403 / 404 / 409), commands print them.
"""

from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """The request breaks a rule of the workflow (wrong state, missing precondition, bad value)."""

    status = 400

    def __init__(self, message, *, code="invalid", field=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    def __str__(self):
        return str(self.message)


class NotAllowed(WorkflowError):
    """The actor's role does not allow this act on an object they may see."""

    status = 403

    def __init__(self, message, *, code="not_allowed", field=None):
        super().__init__(message, code=code, field=field)


class NotFound(WorkflowError):
    """The object is outside the actor's scope: reported exactly like a missing one."""

    status = 404

    def __init__(self, message, *, code="not_found", field=None):
        super().__init__(message, code=code, field=field)


class Conflict(WorkflowError):
    """Someone else changed the object first (a concurrent accept, decision or draft save)."""

    status = 409

    def __init__(self, message, *, code="conflict", field=None):
        super().__init__(message, code=code, field=field)


def item_not_found():
    """One answer for an item that is missing and one that is outside the actor's scope."""
    return NotFound(_("This item does not exist or is not yours to see."))
