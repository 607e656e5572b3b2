"""What an anonymous reader may see, from the workflow's selectors: published replies of items
whose proposer consented to publication (同意公开), and the files published with them.

A reply the office published under another consent (依申请公开 is answered to the one who asked,
`web.disclosure`) does not appear: the portal shows consent to publish, nothing less.
"""

from proposals.models import Attachment, Item
from workflow.models import Reply
from workflow.selectors import published_replies
from workflow.services.disclosure import requestable_items


def public_replies():
    return published_replies().filter(assignment__item__disclosure=Item.Disclosure.PUBLIC)


def on_request_items(district):
    """Items of `district` whose reply a member of the public may ask for (依申请公开): their number and title show."""
    return requestable_items().filter(district=district)


def public_attachment(pk):
    """The file `pk` if it was published with a public reply, else None."""
    published_with = Reply.public_attachments.through.objects.filter(
        attachment_id=pk, reply__in=public_replies().values("pk")
    )
    return Attachment.objects.filter(pk=pk, pk__in=published_with.values("attachment_id")).first()
