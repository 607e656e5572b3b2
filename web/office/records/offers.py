"""The office's records on the item page (`web.items.panel`): each act where the workflow says it applies.

Only for the item's office (`workflow.access.is_office`); which act applies comes from the item's
state as the services check it, and from the assignments the page already read (no query of its
own). The service still decides: an offered act that turns out not to apply says why.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from proposals.models import Item
from web.items.panel import Act
from workflow.access import is_office
from workflow.models import Assignment, Reply
from workflow.services.consultation import OPEN_STATES as CONSULTATION_STATES


def _url(name, item):
    return reverse(f"records:{name}", args=[item.pk])


def offers(user, item, assignments) -> list[Act]:
    if not is_office(user, item.district_id):
        return []
    state = item.state
    waits_for = getattr(item, "waits_for", None)
    acts = []
    if state == Item.State.REPLIED:
        acts.append(Act(_("Record a feedback form"), _url("feedback", item), primary=waits_for == "feedback"))
    accepted = [a for a in assignments if a.state == Assignment.State.ACCEPTED]
    if state in CONSULTATION_STATES and accepted:
        acts.append(Act(_("Record a consultation"), _url("consultation", item), primary=waits_for == "consultation"))
    if state == Item.State.HANDLING and any(a.is_lead for a in accepted):
        acts.append(Act(_("Waive the consultation"), _url("consultation_waiver", item)))
    if state == Item.State.HANDLING and any(
        a.role == Assignment.Role.CO and a.state in Assignment.OPEN_STATES for a in assignments
    ):
        acts.append(Act(_("Waive a co-unit's opinion"), _url("opinion_waiver", item)))
    if state in (Item.State.REPLIED, Item.State.FOLLOWING_UP):
        acts.append(Act(_("Close the item"), _url("close", item)))
    if state == Item.State.CLOSED:
        acts.append(Act(_("Correct the item's record"), _url("item_correction", item)))
        replies = (reply for a in assignments for reply in getattr(a, "visible_replies", ()))
        if any(reply.state == Reply.State.SENT for reply in replies):
            acts.append(Act(_("Correct a reply's outcome"), _url("reply_correction", item)))
    return acts
