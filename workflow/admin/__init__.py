"""Admin registrations, one module per area so each stays small."""

from . import deadlines, handling, messages, notifications, schemes  # noqa: F401
