"""Serialising concurrent acts: every verb locks the item row first, then re-reads what it changes.

One lock per item, always taken first, so two verbs on one item queue up instead of
deadlocking, and the loser re-reads the winner's committed change and gets a Conflict.
"""

from django.utils import timezone

from proposals.models import Item

from ..errors import item_not_found


def lock_item(pk) -> Item:
    try:
        return Item.objects.select_for_update().get(pk=pk)
    except Item.DoesNotExist:
        raise item_not_found() from None


def reread(obj):
    """The committed row of `obj`, read after the item lock was taken."""
    return type(obj)._default_manager.get(pk=obj.pk)


def today(now):
    return timezone.localdate(now)
