"""The rollup's receivers of the workflow's signals: they run inside the service's transaction."""

from .rollup import refresh_items


def keep_rollup_on_event(sender, event, **kwargs):
    """`workflow.signals.event_recorded`: the item's report facts may have changed."""
    refresh_items([event.item_id])


def keep_rollup_on_import(sender, item_ids, **kwargs):
    """`workflow.signals.items_imported`: imported items, past or live, enter the rollup."""
    refresh_items(item_ids)


def keep_rollup_on_registration(sender, instance, update_fields=None, **kwargs):
    """A submission saved with its item (`submissions.register`): the item's facts now include whether it came
    from residents' 码上约 messages, a link written after the item's "received" event refreshed it."""
    if instance.item_id is not None and (update_fields is None or "item" in update_fields):
        refresh_items([instance.item_id])
