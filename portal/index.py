"""Writing the portal's index (`PublishedReply`): an item's rows are written again whenever it changes.

The rows of an item are exactly its published replies while its proposer consents to publication
(同意公开): consent corrected to anything else, or a reply taken down, removes them. Model classes
are passed in, so the data migration fills the index from its historical models the same way.
"""

from django.db import connection

from .search import normalise, pairs_literal

PUBLIC = "public"  # proposals.models.Item.Disclosure.PUBLIC, as the migration's models store it


def published_of(Reply, item_ids=None):
    """Published replies of consenting items, with what their rows copy."""
    replies = Reply.objects.filter(
        state="sent", published_at__isnull=False, assignment__item__disclosure=PUBLIC
    ).select_related("assignment__item")
    if item_ids is not None:
        replies = replies.filter(assignment__item_id__in=item_ids)
    return replies.only(
        "pk",
        "text",
        "published_at",
        "assignment__unit_id",
        "assignment__item__district_id",
        "assignment__item__year",
        "assignment__item__body",
        "assignment__item__session_id",
        "assignment__item__category_id",
        "assignment__item__title",
    )


def entry(PublishedReply, reply):
    item = reply.assignment.item
    document = normalise(f"{item.title}\n{reply.text}")
    return PublishedReply(
        reply_id=reply.pk,
        item_id=item.pk,
        district_id=item.district_id,
        year=item.year,
        body=item.body,
        session_id=item.session_id,
        category_id=item.category_id,
        unit_id=reply.assignment.unit_id,
        published_at=reply.published_at,
        document=document,
        pairs=pairs_literal(document) if connection.vendor == "postgresql" else None,
    )


def reindex(PublishedReply, Reply, item_ids=None):
    """Write the rows of `item_ids` (every item when None) again; returns how many there are now."""
    stale = PublishedReply.objects.all()
    if item_ids is not None:
        stale = stale.filter(item_id__in=item_ids)
    stale.delete()
    rows = [entry(PublishedReply, reply) for reply in published_of(Reply, item_ids).iterator(chunk_size=1000)]
    PublishedReply.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def reindex_items(item_ids):
    """The running site's call: the index of these items follows their replies and consent."""
    from workflow.models import Reply

    from .models import PublishedReply

    return reindex(PublishedReply, Reply, item_ids)
