from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseFilesConfig(AppConfig):
    name = "casefiles"
    verbose_name = _("Case files")
