"""The handling units' workspace: handlers, unit heads and district leaders (docs/units.md)."""
