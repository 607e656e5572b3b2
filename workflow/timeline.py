"""Words for the timeline: each event's action code becomes a sentence when it is shown.

Events store codes and data, never translated text, so the same history reads in the
viewer's language. Unknown codes (a newer release, another module) show the code itself.
"""

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "item.received": _("Item received"),
    "item.imported": _("Imported from a spreadsheet (%(source)s)"),
    "item.registered": _("Registered for handling"),
    "item.rejected": _("Not registered: %(reason)s"),
    "item.merged": _("Merged into item %(into_number)s"),
    "item.merged_in": _("Item %(number)s merged into this one"),
    "item.assigned": _("Assigned to the handling units"),
    "item.key": _("Marked as a key item led by a district leader"),
    "instruction.given": _("The supervising district leader gave an instruction: %(text)s"),
    "assignment.accepted": _("%(unit)s accepted the assignment"),
    "assignment.returned": _("%(unit)s returned the assignment: %(reason)s"),
    "assignment.reassigned": _("Reassigned to %(unit)s"),
    "consultation.recorded": _("%(unit)s consulted the proposer on %(held_on)s"),
    "consultation.waived": _("The proposer declined a consultation with %(unit)s"),
    "opinion.submitted": _("%(unit)s sent its co-handling opinion"),
    "opinion.waived": _("The office waived the opinion of %(unit)s: %(reason)s"),
    "opinion.approved": _("The head of %(unit)s approved the opinion for the city's lead unit"),
    "opinion.sent_back": _("The opinion of %(unit)s was sent back: %(reason)s"),
    "opinion.sent_to_city": _("%(unit)s recorded its opinion as sent to the city's lead unit"),
    "reply.drafted": _("%(unit)s started drafting the reply"),
    "reply.edited": _("%(unit)s edited the draft reply (version %(version)s)"),
    "reply.submitted": _("%(unit)s submitted the reply to its head"),
    "reply.approved": _("The head of %(unit)s approved the reply"),
    "reply.signed_off": _("The responsible district leader signed off the reply"),
    "reply.sent_back": _("The reply was sent back to %(unit)s: %(reason)s"),
    "reply.sent": _("The reply of %(unit)s was sent to the proposer (outcome %(category)s)"),
    "reply.converted": _("The outcome changed from %(before)s to %(after)s"),
    "reply.published": _("The reply was published"),
    "reply.corrected": _("The office corrected the reply's outcome: %(reason)s"),
    "item.replied": _("Every lead unit has replied; awaiting the proposer's feedback"),
    "extension.requested": _("%(unit)s asked for more time until %(until)s: %(reason)s"),
    "extension.granted": _("The office extended the reply to %(until)s"),
    "extension.refused": _("The office refused the extension: %(note)s"),
    "deadline.extended": _("Due date moved from %(old)s to %(new)s"),
    "deadline.moved": _("Due date moved from %(old)s to %(new)s after a calendar change"),
    "feedback.recorded": _("The proposer gave feedback"),
    "feedback.missed": _("The feedback window ended without feedback"),
    "item.rehandling": _("The proposer disagreed: handling round %(round)s opened"),
    "item.following_up": _("Followed up until the outcome is delivered"),
    "follow_up.reported": _("%(unit)s reported progress"),
    "follow_up.converted": _("%(unit)s reported progress; outcome changed from %(before)s to %(after)s"),
    "closing_report.submitted": _("%(unit)s submitted its closing report"),
    "message.sent": _("%(unit)s sent a message to the proposer"),
    "item.closed": _("Closed"),
    # 依申请公开: every reader of the item sees these (the proposer consented to disclosure on request and
    # would expect to learn that their reply was asked for and given out; the unit wrote it); who asked
    # is the office's to know (the request's page), so the events carry the request's id only.
    "disclosure.requested": _("A member of the public asked for the reply (disclosure on request)"),
    "disclosure.granted": _("The office granted a request for the reply: it was sent to the requester"),
    "disclosure.refused": _("The office refused a request for the reply"),
    "item.corrected": _("The office corrected the record: %(reason)s"),
}


# The proposer's side of a message; the message text itself is in the thread, not on the timeline.
_PROPOSER_MESSAGE = _("The proposer sent a message to %(unit)s")


class _Values(dict):
    """Missing keys show as empty text instead of failing the whole timeline."""

    def __missing__(self, key):
        return ""


def describe(event) -> str:
    """The sentence for one event; select_related("assignment__unit") avoids a query per row."""
    template = ACTIONS.get(event.action)
    if template is None:
        return event.action
    values = _Values({k: v for k, v in event.data.items() if isinstance(v, str | int)})
    if event.assignment_id is not None:
        values["unit"] = str(event.assignment.unit)
    if event.action == "feedback.recorded" and event.data.get("agrees") is False:
        return gettext("The proposer disagreed with the reply")
    if event.action == "message.sent" and event.data.get("sender") == "proposer":
        template = _PROPOSER_MESSAGE
    sentence = str(template) % values
    if event.action == "item.corrected" and event.data.get("unpublished"):
        count = len(event.data["unpublished"])
        sentence += " " + ngettext(
            "(the published reply was taken off the portal)",
            "(%(count)s published replies were taken off the portal)",
            count,
        ) % {"count": count}
    return sentence
