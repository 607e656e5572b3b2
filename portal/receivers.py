"""The portal's receivers of the workflow's signals: they run inside the service's transaction,
so a reply is findable exactly when it is published, and gone when it is taken down."""

from .index import reindex_items

# What changes a published reply's row: publishing it, and the office's corrections of the item
# (title, session, category, consent; consent withdrawn takes the replies down).
INDEXED_ACTIONS = frozenset({"reply.published", "item.corrected"})


def keep_index_on_event(sender, event, **kwargs):
    """`workflow.signals.event_recorded`."""
    if event.action in INDEXED_ACTIONS:
        reindex_items([event.item_id])


def keep_index_on_import(sender, item_ids, **kwargs):
    """`workflow.signals.items_imported`: past replies imported as published (是否公开 = 是)."""
    reindex_items(item_ids)
