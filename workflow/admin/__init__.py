"""Admin registrations, one module per area so each stays small."""

from . import deadlines, handling, notifications, schemes  # noqa: F401
