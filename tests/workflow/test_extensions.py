import datetime as dt

import pytest

from workflow.errors import Conflict, NotAllowed, NotFound, WorkflowError
from workflow.models import Extension, Obligation
from workflow.services import extensions

from .conftest import NOW

UNTIL = dt.date(2026, 7, 31)


def request(assignment, actor, until=UNTIL, now=NOW):
    return extensions.request_extension(
        actor=actor, now=now, assignment=assignment, until=until, reason="需市级部门配合"
    )


def reply_due(assignment):
    return Obligation.objects.get(assignment=assignment, kind="reply", fulfilled_at=None).due_on


def test_a_granted_extension_moves_the_reply_deadline(accepted, handler, office):
    assert reply_due(accepted) == dt.date(2026, 6, 2)
    ext = request(accepted, handler)
    ext = extensions.decide_extension(actor=office, now=NOW, extension=ext, grant=True)
    assert (ext.state, ext.granted_until, ext.decided_by) == (Extension.State.GRANTED, UNTIL, office)
    assert reply_due(accepted) == UNTIL
    assert accepted.item.events.filter(action="extension.granted").exists()


def test_the_office_may_grant_a_shorter_date(accepted, handler, office):
    ext = request(accepted, handler)
    extensions.decide_extension(actor=office, now=NOW, extension=ext, grant=True, until=dt.date(2026, 6, 30))
    assert reply_due(accepted) == dt.date(2026, 6, 30)


def test_an_extension_is_at_most_six_months_after_assignment(accepted, handler):
    with pytest.raises(WorkflowError) as exc:
        request(accepted, handler, until=dt.date(2026, 9, 30))
    assert exc.value.code == "until_out_of_range"


def test_an_extension_is_requested_before_the_reply_is_due(accepted, handler):
    with pytest.raises(WorkflowError) as exc:
        request(accepted, handler, now=NOW + dt.timedelta(days=100))
    assert exc.value.code == "too_late"


def test_one_request_at_a_time(accepted, handler):
    request(accepted, handler)
    with pytest.raises(Conflict):
        request(accepted, handler)


def test_a_refusal_needs_a_reason_and_keeps_the_deadline(accepted, handler, office):
    ext = request(accepted, handler)
    with pytest.raises(WorkflowError):
        extensions.decide_extension(actor=office, now=NOW, extension=ext, grant=False)
    ext = extensions.decide_extension(actor=office, now=NOW, extension=ext, grant=False, note="理由不充分")
    assert ext.state == Extension.State.REFUSED
    assert reply_due(accepted) == dt.date(2026, 6, 2)


def test_a_second_decision_is_a_conflict(accepted, handler, office):
    ext = request(accepted, handler)
    extensions.decide_extension(actor=office, now=NOW, extension=ext, grant=True)
    with pytest.raises(Conflict):
        extensions.decide_extension(actor=office, now=NOW, extension=ext, grant=False, note="x")


def test_who_may_request_and_decide(accepted, handler, other_handler, office, head):
    with pytest.raises(NotFound):
        request(accepted, other_handler)
    with pytest.raises(NotAllowed):
        request(accepted, office)
    ext = request(accepted, handler)
    with pytest.raises(NotAllowed):
        extensions.decide_extension(actor=head, now=NOW, extension=ext, grant=True)


def test_an_unaccepted_assignment_cannot_ask_for_time(lead, handler):
    with pytest.raises(WorkflowError) as exc:
        request(lead, handler)
    assert exc.value.code == "not_accepted"
