"""Admin for this area (registrations added with the area)."""
