"""Admin: what was sent to whom, its delivery state, and resending on purpose."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflow.admin.readonly import ReadOnly

from .delivery import RESENDABLE, resend
from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "channel", "state", "item", "due_on", "attempts", "sent_at"]
    list_filter = ["state", "channel", "kind", "due_on", "created_at"]
    search_fields = ["recipient__username", "recipient__full_name", "=phone", "item__number", "item__title"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient", "item"]
    raw_id_fields = ["recipient", "obligation", "event", "item"]
    actions = ["resend_on_purpose"]

    @admin.display(description=gettext_lazy("to"), ordering="recipient")
    def to(self, notification):
        """The user, or the phone number of someone without an account (a resident)."""
        return notification.recipient or notification.phone

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.resend_notification")

    @admin.action(
        description=gettext_lazy("Resend on purpose (failed, delivery unknown or unsendable only)"),
        permissions=["resend"],
    )
    def resend_on_purpose(self, request, queryset):
        selected = queryset.count()
        eligible = list(queryset.filter(state__in=RESENDABLE))
        count = resend([notification.pk for notification in eligible], now=timezone.now())
        for notification in eligible:
            self.log_change(request, notification, _("Resent on purpose"))
        self.message_user(
            request,
            _("%(count)s of %(selected)s notifications will be sent again.") % {"count": count, "selected": selected},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "sms"]
    list_filter = ["email", "sms"]
    search_fields = ["user__username", "user__full_name"]
    raw_id_fields = ["user"]
