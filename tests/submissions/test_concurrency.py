"""Two clerks register the same submission at once, on PostgreSQL: one item, the other is told it is done."""

import pytest

from proposals.models import Item
from workflow.errors import Conflict
from workflow.services import submissions

from ..workflow.test_concurrency import race
from .conftest import NOW

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.services]


def test_two_registrations_of_one_submission(handed_in, office):
    results = race(
        lambda: submissions.register(actor=office, now=NOW, submission=handed_in, number="0101"),
        lambda: submissions.register(actor=office, now=NOW, submission=handed_in, number="0102"),
    )
    winners = [r for r in results if isinstance(r, Item)]
    assert len(winners) == 1 and isinstance(next(r for r in results if r not in winners), Conflict), results
    assert list(Item.objects.values_list("number", flat=True)) == [winners[0].number]
