"""码上约: who reads which residents' messages (issue #20).

A deputy (or their group's staff) reads the messages sent to the proposers they act for, phone
numbers included; the office of a district reads its district's, for the counts and, deputy by
deputy, the messages themselves. Nobody else reads a message: the resident reads their own by its
private code only (`workflow.services.outreach.message_for_resident`).
"""

from collections import Counter, defaultdict

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from districts.models import Proposer
from outreach.models import Message

from .access import office_districts
from .selectors import proposer_ids

State = Message.State
COUNTED = ("received", "answered", "suggestion", "waiting")


def own_messages(user):
    """Every message sent to the proposers `user` acts for, every state."""
    return Message.objects.filter(proposer_id__in=proposer_ids(user))


def office_messages(user):
    """The messages of the districts where `user` is the office (every district for an administrator)."""
    return Message.objects.filter(district__in=office_districts(user))


def counts(user, *, year):
    """The office's counts of `year` per deputy and per month: received, answered, turned into suggestions, waiting.

    Two queries: the messages grouped by deputy, month and state; the deputies named there.
    Returns (rows per deputy, rows per month, totals); each row a dict of the `COUNTED` figures.
    """
    grouped = (
        office_messages(user)
        .filter(received_at__year=year)
        .annotate(month=ExtractMonth("received_at"))
        .values_list("proposer_id", "month", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_deputy, by_month, total = defaultdict(Counter), defaultdict(Counter), Counter()
    for proposer_id, month, state, n in grouped:
        for counter in (by_deputy[proposer_id], by_month[month], total):
            counter["received"] += n
            if state in COUNTED:
                counter[state] += n
    deputies = Proposer.objects.filter(pk__in=by_deputy).select_related("district").order_by("district", "name")
    deputy_rows = [{"deputy": deputy, **by_deputy[deputy.pk]} for deputy in deputies]
    month_rows = [{"month": month, **by_month[month]} for month in range(1, 13) if month in by_month]
    return deputy_rows, month_rows, total
