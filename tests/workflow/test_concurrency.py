"""Two people acting on the same thing at once, on PostgreSQL with real parallel connections.

Each thread has its own connection; a barrier starts them together. The item row lock
makes the loser wait, re-read the winner's committed change and get a Conflict.
"""

import threading
import time

import pytest
from django.db import transaction

from proposals.models import Item
from tests.concurrency import race
from workflow.defaults import install_defaults
from workflow.errors import Conflict, WorkflowError
from workflow.models import Extension, OutcomeCategory, OutcomeScheme, RatingScale, RatingValue, Reply
from workflow.services import assignment as assign
from workflow.services import extensions, intake, replies

from .conftest import NOW, category
from .flow import consult

# serialized_rollback like every transactional test here: a plain flush re-creates content types that a
# later serialized test would then insert again.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.services]


@pytest.fixture(autouse=True)
def _default_schemes(transactional_db):
    """A transactional test flushes the tables, data migrations included; put the schemes back."""
    install_defaults(OutcomeScheme, OutcomeCategory, RatingScale, RatingValue)


def one_wins(results):
    conflicts = [r for r in results if isinstance(r, Conflict)]
    winners = [r for r in results if not isinstance(r, Exception)]
    assert (len(winners), len(conflicts)) == (1, len(results) - 1), results
    return winners[0]


def test_two_accepts_of_one_assignment(lead, handler, head):
    one_wins(
        race(
            lambda: assign.accept_assignment(actor=handler, now=NOW, assignment=lead),
            lambda: assign.accept_assignment(actor=head, now=NOW, assignment=lead),
        )
    )
    assert lead.item.events.filter(action="assignment.accepted").count() == 1


@pytest.fixture
def draft(accepted, handler):
    consult(accepted, handler, NOW)
    return replies.draft_reply(
        actor=handler, now=NOW, assignment=accepted, text="答复", category=category("cppcc", "A")
    )


def test_two_submissions_of_one_reply(draft, handler, head):
    one_wins(
        race(
            lambda: replies.submit_reply(actor=handler, now=NOW, reply=draft),
            lambda: replies.submit_reply(actor=head, now=NOW, reply=draft),
        )
    )
    assert Reply.objects.get().state == Reply.State.AWAITING_HEAD
    assert draft.assignment.item.events.filter(action="reply.submitted").count() == 1


def test_two_saves_of_one_draft_version(draft, handler, head):
    one_wins(
        race(
            lambda: replies.draft_reply(actor=handler, now=NOW, assignment=draft.assignment, version=1, text="甲"),
            lambda: replies.draft_reply(actor=head, now=NOW, assignment=draft.assignment, version=1, text="乙"),
        )
    )
    assert Reply.objects.get().version == 2


def test_two_decisions_on_one_extension(accepted, handler, office):
    import datetime as dt

    ext = extensions.request_extension(
        actor=handler, now=NOW, assignment=accepted, until=dt.date(2026, 7, 31), reason="需协调"
    )
    one_wins(
        race(
            lambda: extensions.decide_extension(actor=office, now=NOW, extension=ext, grant=True),
            lambda: extensions.decide_extension(actor=office, now=NOW, extension=ext, grant=False, note="不同意"),
        )
    )
    assert Extension.objects.get().state != Extension.State.PENDING
    assert (
        accepted.item.events.filter(action__startswith="extension.").exclude(action="extension.requested").count() == 1
    )


def receive_0100(office, district, title):
    return intake.receive_item(
        actor=office, now=NOW, district=district, year=2026, body="cppcc", kind="proposal", number="0100", title=title
    )


def test_two_intakes_of_one_number(office, district):
    results = race(lambda: receive_0100(office, district, "甲"), lambda: receive_0100(office, district, "乙"))
    assert sorted(type(r).__name__ for r in results) == ["Item", "WorkflowError"], results
    assert next(r for r in results if isinstance(r, WorkflowError)).code == "duplicate_number"
    assert Item.objects.filter(number="0100").count() == 1


def test_an_intake_losing_at_the_insert_gets_the_same_error_and_its_transaction_goes_on(office, district):
    """The second intake checks the number while the first one's row is not committed yet, then waits on it."""
    inserted = threading.Event()

    def first():
        with transaction.atomic():
            receive_0100(office, district, "甲")
            inserted.set()
            time.sleep(0.5)  # the second intake finds no such number yet and blocks on the insert

    def second():
        inserted.wait(timeout=10)
        with transaction.atomic():  # the caller's transaction, e.g. an import
            with pytest.raises(WorkflowError) as exc:
                receive_0100(office, district, "乙")
            return exc.value.code, Item.objects.filter(number="0100").count()

    assert race(first, second)[1] == ("duplicate_number", 1)
