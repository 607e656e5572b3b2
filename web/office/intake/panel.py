"""The intake's act on the item page: "Review" on a received item, for its district's office."""

from django.urls import reverse
from django.utils.translation import gettext as _

from proposals.models import Item
from web.items.panel import Act
from workflow.access import is_office


def offers(user, item, assignments) -> list[Act]:
    if item.state == Item.State.RECEIVED and is_office(user, item.district_id):
        return [Act(label=_("Review"), url=reverse("intake:review", args=[item.pk]), primary=True)]
    return []
