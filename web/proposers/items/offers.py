"""The proposer's act on the item page (`web.items.panel`): their feedback, while the reply awaits it.

No query: a login that only proposes sees only its own items (and those theirs were merged into),
and an item still awaiting feedback has none from the proposers of the item itself (their
agreement settles it, their disagreement reopens it). The feedback page says when it was given
already (a proposer of a merged item who agreed), and the service decides.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from proposals.models import Item
from web.items.filters import only_proposes
from web.items.panel import Act


def offers(user, item, assignments) -> list[Act]:
    if item.state != Item.State.REPLIED or not only_proposes(user):
        return []
    return [Act(_("Give your feedback on the reply"), reverse("my:feedback", args=[item.pk]), primary=True)]
