from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications and reminders")

    def ready(self):
        from workflow.signals import event_recorded, invited, resident_answered

        from . import checks  # noqa: F401  (register the deploy checks)
        from .disclosure import schedule_disclosure_answer
        from .events import schedule_cosign_notices, schedule_event_notices
        from .residents import schedule_resident_answer

        event_recorded.connect(schedule_event_notices, dispatch_uid="notifications.event_notices")
        event_recorded.connect(schedule_disclosure_answer, dispatch_uid="notifications.disclosure_answer")
        invited.connect(schedule_cosign_notices, dispatch_uid="notifications.cosign_invitation")
        resident_answered.connect(schedule_resident_answer, dispatch_uid="notifications.resident_answer")
