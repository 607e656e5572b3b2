from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Public portal")

    def ready(self):
        from workflow.signals import event_recorded, items_imported

        from .receivers import keep_index_on_event, keep_index_on_import

        event_recorded.connect(keep_index_on_event, dispatch_uid="portal.index_event")
        items_imported.connect(keep_index_on_import, dispatch_uid="portal.index_import")
