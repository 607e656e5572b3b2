"""Assignments written before each kept its item's next due date get it on migrate (workflow/0014)."""

import datetime as dt

import pytest

from workflow.models import Assignment

from .test_move_keeps_rows import migrate

BEFORE = [("workflow", "0013_disclosure_files")]
AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_copies_each_items_next_due_date_onto_its_assignments():
    try:
        old = migrate(BEFORE)
        district = old.get_model("districts", "District").objects.create(code="ad", name="副本区")
        units = [old.get_model("districts", "HandlingUnit").objects.create(district=district, name=n) for n in "甲乙"]
        OldItem, OldAssignment = old.get_model("proposals", "Item"), old.get_model("workflow", "Assignment")

        def item(number, due):
            return OldItem.objects.create(district=district, year=2026, body="npc", kind="suggestion",
                                          number=number, title=number, state="handling", next_due_on=due)  # fmt: skip

        owing, done = item("1", dt.date(2026, 4, 1)), item("2", None)
        for on, unit, role in ((owing, units[0], "lead"), (owing, units[1], "co"), (done, units[0], "lead")):
            OldAssignment.objects.create(item=on, unit=unit, role=role, state="accepted", assigned_at=AT)
        migrate()  # forward: the fill runs
        copies = Assignment.objects.filter(item__district__code="ad").values_list("item__number", "item_next_due_on")
        assert sorted(copies) == [("1", dt.date(2026, 4, 1)), ("1", dt.date(2026, 4, 1)), ("2", None)]
    finally:
        migrate()
