"""Admin registrations, one module per area so each stays small."""

from . import deadlines, handling, schemes  # noqa: F401
