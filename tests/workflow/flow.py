"""Drive an item through the services, as the people of each role would."""

import datetime as dt

from workflow.models import Consultation, Reply
from workflow.services import consultation, intake, replies


def receive(office, proposer, *, now, number, title, body="cppcc", kind="proposal", **fields):
    """An item of 2026 that the office received from `proposer` (not registered yet)."""
    return intake.receive_item(
        actor=office,
        now=now,
        district=proposer.district,
        year=2026,
        body=body,
        kind=kind,
        number=number,
        title=title,
        lead_proposer=proposer,
        **fields,
    )


def consult(assignment, actor, now):
    return consultation.record_consultation(
        actor=actor,
        now=now,
        assignment=assignment,
        method=Consultation.Method.MEETING,
        held_on=now.date(),
        participants="张委员",
    )


def reply(
    assignment,
    *,
    handler,
    head,
    office,
    category,
    now,
    leader=None,
    kind=Reply.Kind.REPLY,
    planned_on=None,
    reason="",
):
    """Draft, submit, approve, sign off when needed, and send a reply; returns it sent."""
    if category.needs_planned_date and planned_on is None:
        planned_on = now.date() + dt.timedelta(days=180)
    if category.needs_reason and not reason:
        reason = "资金暂不具备"
    draft = replies.draft_reply(
        actor=handler,
        now=now,
        assignment=assignment,
        kind=kind,
        text="经研究，答复如下……",
        category=category,
        planned_on=planned_on,
        reason=reason,
        signer="主任",
    )
    replies.submit_reply(actor=handler, now=now, reply=draft)
    replies.approve_reply(actor=head, now=now, reply=draft)
    if category.needs_leader_signoff:
        replies.sign_off_reply(actor=leader, now=now, reply=draft)
    return replies.send_reply(actor=office, now=now, reply=draft)
