"""The in-app bell: the list of one's notifications and marking them read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from workflow.notifications.inbox import inbox, mark_read, unread_count
from workflow.notifications.texts import render as render_text

PAGE_SIZE = 30


def bell(request):
    """Context processor: `unread_notifications` for the navigation's bell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}


@login_required
def notification_list(request):
    page = Paginator(inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(notification, render_text(notification)) for notification in page]
    return render(request, "notifications/list.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notification_read(request):
    """Mark one notification (`pk` in the form) or all of them read; others' notifications are not touched."""
    pk = request.POST.get("pk")
    mark_read(user=request.user, now=timezone.now(), pk=int(pk) if pk and pk.isdigit() else None)
    return redirect("notifications:list")
