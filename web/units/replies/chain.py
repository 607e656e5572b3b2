"""Where a reply is in its approval chain, in words: draft → head → leader (if the outcome needs it) → office → sent.

Read from the reply's own columns (state, who approved and when) and its last send-back event;
the order of the steps is the service's (`replies.IN_APPROVAL`), so nothing here decides a rule.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from workflow.models import Reply
from workflow.services.replies import IN_APPROVAL

ORDER = [Reply.State.DRAFT, *IN_APPROVAL, Reply.State.SENT]
LABELS = {
    Reply.State.DRAFT: _("The unit drafts the reply"),
    Reply.State.AWAITING_HEAD: _("The unit head approves (签发)"),
    Reply.State.AWAITING_LEADER: _("The responsible district leader signs off (阅批)"),
    Reply.State.AWAITING_OFFICE: _("The office reviews and sends it"),
    Reply.State.SENT: _("Sent to the proposer"),
}


@dataclass(frozen=True)
class Step:
    state: str
    label: str
    status: str  # "done", "current", "todo" or "skipped"
    by: object = None
    at: object = None
    note: str = ""


def _leader_note(reply):
    if reply.category is None:
        return _("Only if the outcome needs the leader's sign-off.")
    if not reply.category.needs_leader_signoff:
        return _("Not needed for the outcome “%(category)s”.") % {"category": reply.category.label}
    return ""


def steps(reply) -> list[Step]:
    """The chain's steps with what happened at each; the leader's step skipped when the outcome does not need it."""
    if reply.state == Reply.State.SUPERSEDED:
        return []
    current = ORDER.index(reply.state)
    done_by = {
        Reply.State.DRAFT: (reply.drafted_by, None),
        Reply.State.AWAITING_HEAD: (reply.head_approved_by, reply.head_approved_at),
        Reply.State.AWAITING_LEADER: (reply.leader_signed_by, reply.leader_signed_at),
        Reply.State.AWAITING_OFFICE: (reply.sent_by, reply.sent_at),
    }
    leader_note = _leader_note(reply)
    found = []
    for index, state in enumerate(ORDER):
        if state == Reply.State.AWAITING_LEADER and reply.category and not reply.category.needs_leader_signoff:
            found.append(Step(state, LABELS[state], "skipped", note=leader_note))
            continue
        status = "done" if index < current else "current" if index == current else "todo"
        by, at = done_by.get(state, (None, None)) if status == "done" else (None, None)
        note = leader_note if state == Reply.State.AWAITING_LEADER else ""
        found.append(Step(state, LABELS[state], status, by, at, note))
    return found


def last_send_back(events):
    """The latest "sent back" event among the reply's events (oldest first): who, when, from which step, why."""
    sent_back = [event for event in events if event.action == "reply.sent_back"]
    if not sent_back:
        return None
    event = sent_back[-1]
    step = event.data.get("step")
    return {
        "by": event.actor,
        "at": event.at,
        "step": LABELS.get(step, step),
        "reason": event.data.get("reason", ""),
    }
