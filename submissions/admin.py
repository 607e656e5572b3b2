"""Admin for online submissions: read-only, since only `workflow.services.submissions` changes them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CoSignInvitation, Submission, SubmissionFile


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvitationInline(ReadOnly, admin.TabularInline):
    model = CoSignInvitation
    extra = 0
    fields = ("proposer", "state", "invited_at", "answer_by", "answered_at", "answered_by", "by_office")


class FileInline(ReadOnly, admin.TabularInline):
    model = SubmissionFile
    extra = 0
    fields = ("original_name", "size", "uploaded_by", "uploaded_at", "attachment")


@admin.register(Submission)
class SubmissionAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("title", "district", "body", "lead", "state", "submitted_at", "item")
    list_filter = ("district", "body", "state")
    search_fields = ("title", "lead__name")
    inlines = [InvitationInline, FileInline]
