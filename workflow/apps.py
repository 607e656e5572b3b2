from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Handling workflow")

    def ready(self):
        from . import receivers  # noqa: F401  (connect the receivers)
