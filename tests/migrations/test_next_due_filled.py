"""Items handled before the stored next due date existed get it from their open obligations on migrate."""

import datetime as dt

import pytest

from proposals.models import Item

from .test_move_keeps_rows import migrate

BEFORE = [("workflow", "0006_move_calendar_and_notifications"), ("proposals", "0002_item_next_due_on")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_fills_each_items_earliest_open_due_date():
    try:
        old = migrate(BEFORE)
        district = old.get_model("districts", "District").objects.create(code="nd", name="期限区")
        OldItem, Obligation = old.get_model("proposals", "Item"), old.get_model("workflow", "Obligation")

        def item(number):
            return OldItem.objects.create(district=district, year=2026, body="npc", kind="suggestion",
                                          number=number, title=number)  # fmt: skip

        def owed(on, due, **done):
            Obligation.objects.create(item=on, kind="reply", owner="office", starts_on=dt.date(2026, 1, 5),
                                      due_on=due, **done)  # fmt: skip

        waiting, finished = item("1"), item("2")
        item("3")  # no obligation: none stored
        owed(waiting, dt.date(2026, 5, 8))
        owed(waiting, dt.date(2026, 3, 2))
        owed(waiting, dt.date(2026, 2, 2), cancelled_at=dt.datetime(2026, 1, 9, tzinfo=dt.UTC))
        owed(finished, dt.date(2026, 4, 1), fulfilled_at=dt.datetime(2026, 3, 9, tzinfo=dt.UTC), on_time=True)
        migrate()  # forward: the fill runs
        stored = dict(Item.objects.filter(district__code="nd").values_list("number", "next_due_on"))
        assert stored == {"1": dt.date(2026, 3, 2), "2": None, "3": None}
    finally:
        migrate()
