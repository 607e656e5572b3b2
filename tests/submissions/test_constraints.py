"""The submissions' invariants hold in the database, whatever writes the rows."""

import pytest
from django.db import IntegrityError, transaction

from submissions.models import CoSignInvitation, Submission

from .conftest import NOW

pytestmark = pytest.mark.django_db


def refused(name, write, *, sqlite=None):
    """`write` fails on the constraint `name`; SQLite names a plain unique constraint by its columns (`sqlite`)."""
    with pytest.raises(IntegrityError, match=name if sqlite is None else f"{name}|{sqlite}"), transaction.atomic():
        write()


def test_a_registered_submission_has_its_item_and_only_it(draft, item):
    refused("submission_item_iff_registered", lambda: Submission.objects.filter(pk=draft.pk).update(state="registered"))
    refused("submission_item_iff_registered", lambda: Submission.objects.filter(pk=draft.pk).update(item=item))


def test_a_handed_in_submission_has_its_time(draft):
    refused(
        "submission_submitted_at_once_submitted",
        lambda: Submission.objects.filter(pk=draft.pk).update(state="submitted"),
    )


def test_one_invitation_per_co_signer(invited):
    refused(
        "cosign_once_per_proposer",
        lambda: CoSignInvitation.objects.create(
            submission=invited.submission, proposer=invited.proposer, invited_at=NOW, answer_by=invited.answer_by
        ),
        sqlite=r"UNIQUE constraint failed: \w+\.submission_id, \w+\.proposer_id",
    )


def test_an_answer_has_its_time(invited):
    refused(
        "cosign_answered_iff_answer", lambda: CoSignInvitation.objects.filter(pk=invited.pk).update(state="confirmed")
    )
