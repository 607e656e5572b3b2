"""Every verb, tried by someone outside the item's scope (not found) and by a wrong role (not allowed)."""

import datetime as dt

import pytest

from workflow.errors import NotAllowed, NotFound
from workflow.models import Reply
from workflow.services import assignment as assign
from workflow.services import closing, consultation, extensions, feedback, followup, intake, opinions, replies

from .conftest import NOW, category
from .flow import consult
from .flow import reply as send


@pytest.fixture
def world(accepted, handler, head, office, proposer_user):
    """An item replied with CPPCC B (planned), agreed, now followed up; plus a draft second reply."""
    consult(accepted, handler, NOW)
    sent = send(accepted, handler=handler, head=head, office=office, category=category("cppcc", "B"), now=NOW)
    feedback.record_feedback(actor=proposer_user, now=NOW, item=accepted.item, agrees=True)
    second = replies.draft_reply(
        actor=handler,
        now=NOW,
        assignment=accepted,
        kind=Reply.Kind.SECOND,
        text="已完成",
        category=category("cppcc", "A"),
    )
    return {"item": accepted.item, "assignment": accepted, "sent": sent, "second": second}


VERBS = {
    "register": lambda w: (intake.register_item, {"item": w["item"]}),
    "reject": lambda w: (intake.reject_item, {"item": w["item"], "reason": "x"}),
    "key": lambda w: (assign.mark_key_item, {"item": w["item"], "leader": None}),
    "accept": lambda w: (assign.accept_assignment, {"assignment": w["assignment"]}),
    "return": lambda w: (assign.return_assignment, {"assignment": w["assignment"], "reason": "x"}),
    "consult": lambda w: (
        consultation.record_consultation,
        {"assignment": w["assignment"], "method": "call", "held_on": NOW.date()},
    ),
    "opinion": lambda w: (opinions.submit_opinion, {"assignment": w["assignment"], "text": "x"}),
    "waive": lambda w: (opinions.waive_opinion, {"assignment": w["assignment"], "reason": "x"}),
    "draft": lambda w: (replies.draft_reply, {"assignment": w["assignment"], "text": "x"}),
    "submit": lambda w: (replies.submit_reply, {"reply": w["second"]}),
    "approve": lambda w: (replies.approve_reply, {"reply": w["second"]}),
    "sign_off": lambda w: (replies.sign_off_reply, {"reply": w["second"]}),
    "send": lambda w: (replies.send_reply, {"reply": w["second"]}),
    "publish": lambda w: (replies.publish_reply, {"reply": w["sent"]}),
    "extension": lambda w: (
        extensions.request_extension,
        {"assignment": w["assignment"], "until": dt.date(2026, 7, 1), "reason": "x"},
    ),
    "feedback": lambda w: (feedback.record_feedback, {"item": w["item"], "agrees": True}),
    "progress": lambda w: (followup.report_progress, {"assignment": w["assignment"], "progress": "x"}),
    "closing_report": lambda w: (closing.submit_closing_report, {"assignment": w["assignment"], "text": "x"}),
    "close": lambda w: (closing.close_item, {"item": w["item"]}),
    "correct": lambda w: (closing.correct_item, {"item": w["item"], "reason": "x", "title": "y"}),
    "correct_reply": lambda w: (
        closing.correct_reply,
        {"reply": w["sent"], "reason": "x", "category": category("cppcc", "A")},
    ),
}

# Someone who may see the item but whose role may not do the verb.
WRONG_ROLE = {
    "register": "leader",
    "reject": "handler",
    "key": "handler",
    "accept": "office",
    "return": "leader",
    "consult": "leader",
    "opinion": "office",
    "waive": "handler",
    "draft": "office",
    "submit": "leader",
    "approve": "handler",
    "sign_off": "head",
    "send": "head",
    "publish": "handler",
    "extension": "office",
    "feedback": "handler",
    "progress": "office",
    "closing_report": "leader",
    "close": "handler",
    "correct": "leader",
    "correct_reply": "head",
}


@pytest.mark.parametrize("verb", VERBS)
def test_outside_the_scope_it_is_not_found(world, verb, outsider, other_handler):
    fn, kwargs = VERBS[verb](world)
    for actor in (outsider, other_handler):
        with pytest.raises(NotFound):
            fn(actor=actor, now=NOW, **kwargs)


@pytest.mark.parametrize("verb", VERBS)
def test_a_wrong_role_is_not_allowed(world, verb, request):
    fn, kwargs = VERBS[verb](world)
    actor = request.getfixturevalue(WRONG_ROLE[verb])
    with pytest.raises(NotAllowed):
        fn(actor=actor, now=NOW, **kwargs)
