"""The in-app bell: a user's notifications, what is unread, and marking them read.

The bell is on every page, so its count is loaded with the user: `InboxUserBackend` reads the
session's user, the number of their unread notifications and their active roles (which every page's
navigation and every selector reads) in one query.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from districts.selectors import with_active_memberships

from .models import Channel, Notification

# The annotation `InboxUserBackend` puts on the session's user.
UNREAD = "unread_in_app_notifications"


def inbox(user):
    """The user's in-app notifications, newest first, with what `texts.render` reads."""
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP).select_related(
        "recipient", "item", "obligation__unit"
    )


def _unread(recipient):
    return Notification.objects.filter(recipient=recipient, channel=Channel.IN_APP, read_at__isnull=True)


def unread_count(user, *, loaded_is_current=False):
    """How many of the user's in-app notifications are unread.

    With `loaded_is_current` (nothing since the user was loaded can have changed it: a GET), the
    count loaded with the user by `InboxUserBackend` is the answer; otherwise it is counted now.
    """
    loaded = getattr(user, UNREAD, None)
    if loaded_is_current and loaded is not None:
        return loaded
    return _unread(user).count()


def with_unread_count(users):
    """`users` with their unread in-app notifications counted (`UNREAD`) in the same query."""
    counted = _unread(OuterRef("pk")).order_by().values("recipient").annotate(count=Count("pk")).values("count")
    return users.annotate(**{UNREAD: Coalesce(Subquery(counted), 0)})


class InboxUserBackend(ModelBackend):
    """Django's ModelBackend, but the session's user comes with the bell's count and their roles: one query.

    The roles (`districts.selectors.active_memberships`) are read from the user's row by every caller
    in the request, so a page pays for the session and this query before its own, nothing more.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = with_active_memberships(with_unread_count(user_model._default_manager)).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def mark_read(*, user, now, pk=None):
    """Mark one of the user's notifications read, or all of them when `pk` is None; returns how many."""
    rows = _unread(user)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=now)
