"""The deployment's administrators set which districts give CPPCC members codes; codes and messages are read-only."""

from django.contrib import admin

from .models import Code, DistrictSetting, Message


@admin.register(DistrictSetting)
class DistrictSettingAdmin(admin.ModelAdmin):
    list_display = ("district", "members_enabled")


class ReadOnly(admin.ModelAdmin):
    """Only the workflow's services write these: the admin reads them, never adds, changes or deletes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Code)
class CodeAdmin(ReadOnly):
    list_display = ("code", "proposer", "issued_at", "revoked_at")
    search_fields = ("proposer__name",)


@admin.register(Message)
class MessageAdmin(ReadOnly):
    list_display = ("proposer", "received_at", "state")
    list_filter = ("state",)
