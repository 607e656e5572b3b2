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


def keeps_history(model) -> bool:
    """Whether the model has simple-history's `HistoricalRecords`."""
    return hasattr(model._meta, "simple_history_manager_attribute")


class ReadOnlyAdmin(ReadOnly, SimpleHistoryAdmin):
    """Shows records and their history.

    A model with `HistoricalRecords` shows its recorded versions; one without (events, closing
    reports, follow-ups: written once, never changed) shows Django's plain object history
    rather than failing on the missing history manager.
    """

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if not keeps_history(model):
            self.object_history_template = None  # Django's admin/object_history.html

    def get_urls(self):
        if keeps_history(self.model):
            return super().get_urls()
        return super(SimpleHistoryAdmin, self).get_urls()  # no page of one recorded version

    def history_view(self, request, object_id, extra_context=None):
        if keeps_history(self.model):
            return super().history_view(request, object_id, extra_context)
        return super(SimpleHistoryAdmin, self).history_view(request, object_id, extra_context)
