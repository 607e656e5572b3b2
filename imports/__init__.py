"""Spreadsheet import of items (domain §7): read, check every row, then write all or nothing via the workflow."""
