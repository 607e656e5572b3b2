"""Serialising concurrent acts: every verb locks the item row first, then re-reads what it changes.

One lock per item, always taken first, so two verbs on one item queue up instead of
deadlocking, and the loser re-reads the winner's committed change and gets a Conflict.
"""

from django.utils import timezone

from proposals.models import Item

from ..errors import item_not_found
from ..progress import note_locked


def lock_item(pk) -> Item:
    """The item, locked; the verb holding it stores its list facts when it ends (`progress.keeps_list_facts`)."""
    try:
        item = Item.objects.select_for_update().get(pk=pk)
    except Item.DoesNotExist:
        raise item_not_found() from None
    note_locked(item.pk)
    return item


def reread(obj):
    """The committed row of `obj`, read after the item lock was taken."""
    return type(obj)._default_manager.get(pk=obj.pk)


def today(now):
    return timezone.localdate(now)
