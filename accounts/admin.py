from django.contrib import admin

from .models import AccountState, DistrictSecurity


@admin.register(DistrictSecurity)
class DistrictSecurityAdmin(admin.ModelAdmin):
    list_display = ("district", "office_requires_otp")
    list_editable = ("office_requires_otp",)
    autocomplete_fields = ("district",)


@admin.register(AccountState)
class AccountStateAdmin(admin.ModelAdmin):
    """Whether a login must change its password; a reset or a new account sets it, its owner's change clears it."""

    list_display = ("user", "must_change_password", "password_changed_at")
    list_filter = ("must_change_password",)
    search_fields = ("user__username", "user__full_name")
    readonly_fields = ("user", "password_changed_at")

    def has_add_permission(self, request):
        return False
