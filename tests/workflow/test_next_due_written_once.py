"""A verb writes its items' next due date once, with their other list facts, however many obligations it changes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines.models import ObligationKind
from proposals.models import Item
from workflow.models import Assignment, Obligation
from workflow.services import assignment as assign

from .conftest import NOW


def _writes(queries, table, column):
    """The UPDATEs of `table` that set `column`."""
    return [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"') and f'"{column}" =' in q["sql"]]


def test_accepting_an_assignment_writes_the_items_next_due_date_once(assigned, handler):
    """Accepting ends the acceptance deadline and opens the reply's: the item's date moves to the reply's, once."""
    lead, _co = assigned
    with CaptureQueriesContext(connection) as captured:
        assign.accept_assignment(actor=handler, now=NOW, assignment=lead)

    assert len(_writes(captured.captured_queries, Item._meta.db_table, "next_due_on")) == 1
    assert len(_writes(captured.captured_queries, Assignment._meta.db_table, "item_next_due_on")) == 1
    item = Item.objects.get(pk=lead.item_id)
    earliest = min(Obligation.objects.open().filter(item=item).values_list("due_on", flat=True))
    reply = Obligation.objects.open().get(assignment=lead, kind=ObligationKind.REPLY)
    assert item.next_due_on == earliest <= reply.due_on
    assert set(item.assignments.values_list("item_next_due_on", flat=True)) == {earliest}
