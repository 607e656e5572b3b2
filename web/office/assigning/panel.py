"""The assigning acts on the item page (`web.items.panel`): assign, reassign a returned unit, key item.

For the district's office only (`access.is_office`). Each act is offered in the state its service
accepts; the service still decides when the form is sent.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from proposals.models import Item
from web.items.panel import Act
from workflow.access import is_office
from workflow.models import Assignment
from workflow.services.assignment import awaiting_reassignment

# The states `mark_key_item` accepts: an item still to be handled (not closed, rejected or merged).
KEY_ITEM_STATES = (
    Item.State.RECEIVED,
    Item.State.REGISTERED,
    Item.State.HANDLING,
    Item.State.REPLIED,
    Item.State.FOLLOWING_UP,
)


def offers(user, item, assignments) -> list[Act]:
    if not is_office(user, item.district_id):
        return []
    acts = []
    if item.state == Item.State.REGISTERED:
        acts.append(Act(_("Assign units"), reverse("assigning:assign", args=[item.pk]), primary=True))
    # `reassign` takes an item being handled; ask which returned assignments await it only when the page has one.
    if item.state == Item.State.HANDLING and any(a.state == Assignment.State.RETURNED for a in assignments):
        units = {a.pk: a.unit for a in assignments}
        for returned in awaiting_reassignment(item).order_by("returned_at", "pk"):
            unit = units.get(returned.pk) or returned.unit
            label = _("Reassign (returned by %(unit)s)") % {"unit": unit}
            acts.append(Act(label, reverse("assigning:reassign", args=[returned.pk]), primary=True))
    if item.state in KEY_ITEM_STATES:
        label = _("Change the supervising leader") if item.is_key else _("Mark as key item")
        acts.append(Act(label, reverse("assigning:key", args=[item.pk])))
    return acts
