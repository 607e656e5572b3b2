"""The in-app bell: the list of one's notifications, marking them read, and one's notification settings."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.inbox import inbox, mark_read, unread_count
from notifications.models import NotificationPreference
from notifications.preferences import save_notification_settings
from notifications.texts import render as render_text
from web.actions import perform
from web.submit import one_time

from .forms import NotificationSettingsForm

PAGE_SIZE = 30


def bell(request):
    """Context processor: `unread_notifications` for the navigation's bell.

    A GET changes no notification, so the count loaded with the session's user is still exact
    (no query of its own); after a POST, which may have marked some read, it is counted again.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user, loaded_is_current=request.method in ("GET", "HEAD"))}


@login_required
def notification_list(request):
    page = Paginator(inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(notification, render_text(notification)) for notification in page]
    return render(request, "notifications/list.html", {"page": page, "rows": rows})


@login_required
@one_time
def notification_read(request):
    """Mark one notification (`pk` in the form) or all of them read; others' notifications are not touched."""
    pk = request.POST.get("pk")
    mark_read(user=request.user, now=timezone.now(), pk=int(pk) if pk and pk.isdigit() else None)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """One's own channels and language; there is no user in the URL or the form, so it is always one's own."""
    if request.method == "POST":
        return _save_settings(request)
    return _settings_page(request, _settings_form(request))


@one_time
def _save_settings(request):
    form = _settings_form(request, request.POST)

    def save(data):
        channels, language = form.changes()
        save_notification_settings(user=request.user, channels=channels, language=language)

    outcome = perform(
        request, form, save, then=reverse("notifications:settings"), message=_("Your notification settings were saved.")
    )
    return outcome.response or _settings_page(request, form, status=outcome.status)


def _settings_form(request, data=None):
    user = request.user
    preference = NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)
    return NotificationSettingsForm(data, user=user, preference=preference)


def _settings_page(request, form, *, status=200):
    quiet = settings.SMS_QUIET_HOURS
    context = {
        "form": form,
        "phone": mask_phone(request.user.phone),
        "quiet_start": quiet and quiet[0],
        "quiet_end": quiet and quiet[1],
    }
    return render(request, "notifications/settings.html", context, status=status)


def mask_phone(phone):
    """138****5678: enough for the owner to recognise the number, not enough for someone looking over a shoulder."""
    if len(phone) < 8:
        return "*" * (len(phone) - 2) + phone[-2:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
