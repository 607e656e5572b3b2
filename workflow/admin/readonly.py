"""Admins that only show: adding, editing or deleting would bypass the workflow's rules."""

from simple_history.admin import SimpleHistoryAdmin


class ReadOnly:
    """Mixed into a ModelAdmin: the records are written by `workflow.services` alone."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, SimpleHistoryAdmin):
    """Shows records and their history."""
