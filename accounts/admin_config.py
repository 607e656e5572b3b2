"""Django's admin app whose default site asks for the second factor (`accounts.admin_site`)."""

from django.contrib.admin.apps import AdminConfig


class SecondFactorAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SecondFactorAdminSite"
