from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from workflow.signals import event_recorded, items_imported

        from .receivers import keep_rollup_on_event, keep_rollup_on_import

        event_recorded.connect(keep_rollup_on_event, dispatch_uid="reports.rollup_event")
        items_imported.connect(keep_rollup_on_import, dispatch_uid="reports.rollup_import")
