"""The audit log in the admin: read only, and only for who holds `audit.view_auditentry` (the audit administrator)."""

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "address", "action", "outcome", "object_type", "object_repr"]
    list_filter = ["action", "outcome", "at"]
    search_fields = ["username", "object_repr", "object_id", "address"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    list_select_related = ["user"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
