"""Files a verb attaches: the item's own, ones the actor may see, and not already someone else's.

An upload of one item is never shown on another; a unit can't take another unit's draft
document, a co-unit's opinion file or a feedback form into its reply, where other readers
would then see it.
"""

from django.utils.translation import gettext as _

from ..errors import WorkflowError
from ..models import CoUnitOpinion, Feedback, Reply
from ..selectors import visible_attachments


def check_own_files(*, actor, item, attachments, reply=None, opinion=None):
    """Refuse any file not the item's, not visible to `actor`, or attached elsewhere than `reply`/`opinion`."""
    ids = [a.pk for a in attachments]
    if actor is None:  # the system (imports, the demo) sees every file
        visible = set(ids)
    else:
        visible = set(visible_attachments(actor).filter(pk__in=ids).values_list("pk", flat=True))
    elsewhere = set(
        Reply.attachments.through.objects.filter(attachment_id__in=ids)
        .exclude(reply_id=reply.pk if reply else None)
        .values_list("attachment_id", flat=True)
    )
    elsewhere |= set(
        CoUnitOpinion.attachments.through.objects.filter(attachment_id__in=ids)
        .exclude(counitopinion_id=opinion.pk if opinion else None)
        .values_list("attachment_id", flat=True)
    )
    elsewhere |= set(Feedback.objects.filter(form_id__in=ids).values_list("form_id", flat=True))
    for a in attachments:
        if a.item_id != item.pk or a.pk not in visible:
            message = _("The file %(name)s is not an attachment of this item.")
        elif a.pk in elsewhere:
            message = _("The file %(name)s already belongs to another reply, opinion or feedback form.")
        else:
            continue
        raise WorkflowError(message % {"name": a.original_name}, code="attachment_foreign", field="attachments")
