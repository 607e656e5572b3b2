"""Items written before the stored list facts existed get them from their rows on migrate.

The fill (workflow/0009) runs `workflow.progress.store_list_facts`, the function the services keep
them with, over every item in batches; here on items at three stages, one with a reply at its
unit head, written through the models of the time before the columns were filled.
"""

import datetime as dt

import pytest

from proposals.models import Item
from workflow.progress import derive_list_facts

from .test_move_keeps_rows import migrate

BEFORE = [("workflow", "0008_reply_public_attachments"), ("proposals", "0004_item_list_facts")]
AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_fills_what_each_item_waits_for_and_on_whom():
    try:
        old = migrate(BEFORE)
        district = old.get_model("districts", "District").objects.create(code="lf", name="事实区")
        unit = old.get_model("districts", "HandlingUnit").objects.create(district=district, name="事实局")
        OldItem, Assignment = old.get_model("proposals", "Item"), old.get_model("workflow", "Assignment")
        Reply = old.get_model("workflow", "Reply")

        def item(number, state, **more):
            return OldItem.objects.create(district=district, year=2026, body="npc", kind="suggestion",
                                          number=number, title=number, state=state, **more)  # fmt: skip

        item("1", "received")
        item("2", "registered")
        pending = item("3", "handling")
        Assignment.objects.create(item=pending, unit=unit, role="lead", state="pending", assigned_at=AT)
        approving = item("4", "handling")
        lead = Assignment.objects.create(item=approving, unit=unit, role="lead", state="accepted", assigned_at=AT)
        Reply.objects.create(assignment=lead, round=1, state="awaiting_head", text="答复")
        item("5", "closed", closed_at=AT)
        migrate()  # forward: the fill runs
        items = Item.objects.filter(district__code="lf")
        stored = {i.number: (i.office_waits_for, i.office_waiting_on, i.outside_waits_for) for i in items}
        assert stored == {
            "1": ("review", "office", "review"),
            "2": ("assignment", "office", "assignment"),
            "3": ("acceptance", "unit", "acceptance"),
            "4": ("head_approval", "unit_head", "reply"),
            "5": ("", "", ""),
        }
        assert items.get(number="4").replies_in_approval == {f"u{unit.pk}": "head_approval"}
        derived = derive_list_facts(items.values_list("pk", flat=True))
        assert all(derived[i.pk]["office_waits_for"] == i.office_waits_for for i in items)
    finally:
        migrate()
