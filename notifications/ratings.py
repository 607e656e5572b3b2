""" "A reply waits for your rating" stops asking once the rating is no longer awaited.

The notice is moot for a proposer's user once that proposer has given feedback on the item
since the reply was sent, or once the item no longer takes feedback (closed, followed up,
merged or rejected). Moot notices are never recorded (a reply sent and rated in one
transaction, as the demo seeds them), and those recorded earlier are settled when feedback is
given or the item moves on: unread in-app notices count as read, SMS and email not yet sent are
skipped.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from districts.models import Role
from proposals.models import Item
from workflow.models import Feedback

from .models import Channel, Notification, NotificationKind

# Events after which a rating may no longer be awaited from someone.
SETTLING_ACTIONS = ("feedback.recorded", "feedback.missed", "item.closed", "item.following_up", "item.merged")
PAST_FEEDBACK = (Item.State.CLOSED, Item.State.FOLLOWING_UP, Item.State.MERGED, Item.State.REJECTED)


def _rated_since(item, moment, **user):
    """Feedback on `item` at or after `moment`, given by a proposer whom `user` (a lookup on the membership's
    user, e.g. `user_id__in=[...]`) acts for. One `filter()`: the role and the user are the same membership's.
    """
    lookups = {f"proposer__memberships__{name}": value for name, value in user.items()}
    return Feedback.objects.filter(
        item=item, submitted_at__gte=moment, proposer__memberships__role=Role.PROPOSER, **lookups
    )


def awaiting_rating(event, user_ids) -> list:
    """The users among `user_ids` (in order) whose rating of the reply `event` sent is still awaited."""
    item = event.item
    if item.state in PAST_FEEDBACK:
        return []
    rated = set(
        _rated_since(item, event.at, user_id__in=user_ids).values_list("proposer__memberships__user_id", flat=True)
    )
    return [user_id for user_id in user_ids if user_id not in rated]


def settle_rating_notices(item_id, *, now=None) -> int:
    """Settle the item's moot rating notices (read in the app, skipped if not yet sent); returns how many."""
    now = now or timezone.now()
    item = Item.objects.get(pk=item_id)
    notices = Notification.objects.filter(item=item, kind=NotificationKind.REPLY_ARRIVED)
    if item.state not in PAST_FEEDBACK:
        notices = notices.filter(Exists(_rated_since(item, OuterRef("event__at"), user=OuterRef("recipient"))))
    read = notices.filter(channel=Channel.IN_APP, read_at__isnull=True).update(read_at=now)
    waiting = [Notification.State.PENDING, Notification.State.HELD]
    skipped = notices.exclude(channel=Channel.IN_APP).filter(state__in=waiting).update(state=Notification.State.SKIPPED)
    return read + skipped
