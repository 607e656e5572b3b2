"""The admin site asks for the second factor (OTP) as well as staff status (ADMIN_REQUIRES_OTP).

Its login form counts against the same limit per address as the site's (`accounts.limits`).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django.urls import reverse

from .limits import refuse_spraying
from .middleware import is_verified


class SecondFactorAdminSite(AdminSite):
    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.ADMIN_REQUIRES_OTP or is_verified(request.user)

    def login(self, request, extra_context=None):
        """Staff logged in without the second factor are sent to confirm it, not shown the password form again."""
        user = request.user
        if settings.ADMIN_REQUIRES_OTP and user.is_active and user.is_staff and not is_verified(user):
            after = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': after})}")
        return refuse_spraying(request) or super().login(request, extra_context)
