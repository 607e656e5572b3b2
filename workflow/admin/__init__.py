"""Admin registrations, one module per area so each stays small."""

from . import handling, messages, obligations, schemes  # noqa: F401
