"""The proposer's act on the item page (`web.items.panel`): their feedback, while the reply awaits it.

Only for a proposer of the item (`permissions.proposer_ids_for`: no query for anyone else) who has
not given it on this round yet; the service still decides.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from proposals.models import Item
from web.items.panel import Act
from workflow.models import Feedback
from workflow.services.permissions import proposer_ids_for


def offers(user, item, assignments) -> list[Act]:
    if item.state != Item.State.REPLIED:
        return []
    speaks_for = proposer_ids_for(user, item)
    if not speaks_for or Feedback.objects.filter(item=item, round=item.round, proposer_id__in=speaks_for).exists():
        return []
    return [Act(_("Give your feedback on the reply"), reverse("my:feedback", args=[item.pk]), primary=True)]
