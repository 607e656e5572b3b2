"""The in-app bell: a user's notifications, what is unread, and marking them read."""

from .models import Channel, Notification


def inbox(user):
    """The user's in-app notifications, newest first, with what `texts.render` reads."""
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP).select_related(
        "recipient", "item", "obligation__unit"
    )


def unread_count(user):
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True).count()


def mark_read(*, user, now, pk=None):
    """Mark one of the user's notifications read, or all of them when `pk` is None; returns how many."""
    rows = Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=now)
