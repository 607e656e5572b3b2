"""Spreadsheet import of items (domain §7): read, validate every row, then write all or nothing."""

from .errors import ImportRejected, RowError
from .service import ImportPlan, plan_import, run_import

__all__ = ["ImportPlan", "ImportRejected", "RowError", "plan_import", "run_import"]
