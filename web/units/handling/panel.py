"""The handling acts on the item page (`web.items.panel`): each where the workflow says it applies.

Only for a handler or head of a unit the item is assigned to (`permissions.unit_roles`: the
user's roles are loaded with the user, so no query); which act applies comes from the item's and
the assignment's states as the services check them, from the assignments the page already read.
The act the item waits for is the primary one. The service still decides: an offered act that
turns out not to apply says why.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from proposals.models import Item, Kind
from web.items.panel import Act
from workflow.models import Assignment, Reply
from workflow.services.consultation import OPEN_STATES as CONSULTATION_STATES
from workflow.services.permissions import unit_roles


def _url(name, item):
    return reverse(f"handling:{name}", args=[item.pk])


def _replied(assignment, item):
    """The lead's reply of this round is sent (as far as the page read the unit's own replies)."""
    return any(
        reply.state == Reply.State.SENT and reply.round == item.round
        for reply in getattr(assignment, "visible_replies", ())
    )


def offers(user, item, assignments) -> list[Act]:
    mine = [a for a in assignments if a.state != Assignment.State.RETURNED and unit_roles(user, a.unit_id)]
    if not mine:
        return []
    state, waits_for = item.state, getattr(item, "waits_for", None)
    handling = state == Item.State.HANDLING
    pending = [a for a in mine if a.state == Assignment.State.PENDING]
    accepted = [a for a in mine if a.state == Assignment.State.ACCEPTED]
    leads = [a for a in accepted if a.is_lead]
    acts = []
    if handling and pending:
        acts.append(Act(_("Accept or return the assignment"), _url("accept", item), primary=waits_for == "acceptance"))
    if state in CONSULTATION_STATES and accepted:
        # The consultation the item waits for is the lead unit's; a co-unit may record one too.
        primary = waits_for == "consultation" and bool(leads)
        acts.append(Act(_("Record a consultation"), _url("consultation", item), primary=primary))
    if handling and leads:
        acts.append(Act(_("The proposer declined a consultation"), _url("consultation_waiver", item)))
    if handling and any(a.role == Assignment.Role.CO for a in accepted):
        # What the item waits for from a co-unit that accepted: its opinion is owed until it is sent.
        if item.kind == Kind.CITY_CO:  # approved by the head, then recorded as sent to the city (`city`)
            acts.append(Act(_("The district's opinion for the city"), _url("opinion", item), primary=True))
        else:
            acts.append(Act(_("Send the co-unit opinion"), _url("opinion", item), primary=True))
    # Only the first reply's deadline is extended (a re-handling round has its own month).
    if handling and item.round == 1 and any(not _replied(a, item) for a in leads):
        acts.append(Act(_("Ask for more time to reply"), _url("extension", item)))
    return acts
