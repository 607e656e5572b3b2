"""Files a verb attaches must be the item's own: an upload of one item is never shown on another."""

from django.utils.translation import gettext as _

from ..errors import WorkflowError


def check_own_files(item, attachments):
    foreign = [a for a in attachments if a.item_id != item.pk]
    if foreign:
        raise WorkflowError(
            _("The file %(name)s is not an attachment of this item.") % {"name": foreign[0].original_name},
            code="attachment_foreign",
            field="attachments",
        )
