"""The API's read endpoints: reference data, items, notifications, each scoped by the selectors."""
