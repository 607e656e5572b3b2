"""The rollup's receivers of the workflow's signals: they run inside the service's transaction."""

from .rollup import refresh_items


def keep_rollup_on_event(sender, event, **kwargs):
    """`workflow.signals.event_recorded`: the item's report facts may have changed."""
    refresh_items([event.item_id])


def keep_rollup_on_import(sender, item_ids, **kwargs):
    """`workflow.signals.items_imported`: imported items, past or live, enter the rollup."""
    refresh_items(item_ids)
