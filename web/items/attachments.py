"""The one way to fetch an attachment: through the visibility rule of its item."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from audit.log import Action, record
from workflow.selectors import visible_attachments


@login_required
def attachment_download(request, pk):
    """Serve an attachment only to a user who may see its item; others get 404, not 403."""
    attachment = get_object_or_404(visible_attachments(request.user), pk=pk)
    record(action=Action.DOWNLOADED, obj=attachment, file=attachment.original_name)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
