"""Admin for who: districts, units and their contact persons, people and their roles."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ADMINISTRATOR_ALONE,
    ADMINISTRATOR_ROLES,
    ONE_ADMINISTRATOR_ROLE,
    District,
    HandlingUnit,
    Membership,
    Proposer,
    UnitContact,
    User,
)


class MembershipFormSet(BaseInlineFormSet):
    """The roles of one account as the form leaves them: one administrator role at most, and then no other role.

    Each row's `Membership.clean` compares it with the rows already saved; this compares the
    rows of the form among themselves (two administrator roles added at once).
    """

    def clean(self):
        super().clean()
        roles = [
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data.get("role")
            and form.cleaned_data.get("is_active", True)
            and not form.cleaned_data.get("DELETE")
        ]
        administrator = [role for role in roles if role in ADMINISTRATOR_ROLES]
        if len(administrator) > 1:
            raise ValidationError(ONE_ADMINISTRATOR_ROLE)
        if administrator and len(roles) > 1:
            raise ValidationError(ADMINISTRATOR_ALONE)


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    fk_name = "user"
    extra = 0
    fields = ("role", "district", "unit", "proposer", "is_active")
    autocomplete_fields = ("district", "unit", "proposer")


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "phone", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "phone", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "full_name", "email", "phone", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email", "phone")
    ordering = ("username",)
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser hands out rights: other staff who edit people cannot raise anyone, themselves included."""
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return (*super().get_readonly_fields(request, obj), "is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "sort_order", "is_active")
    list_editable = ("sort_order",)
    search_fields = ("name", "code")


class UnitContactInline(admin.TabularInline):
    """The history of contact persons: end the current row and add a new one to hand over."""

    model = UnitContact
    extra = 0
    fields = ("name", "phone", "user", "started_on", "ended_on")
    autocomplete_fields = ("user",)


@admin.register(HandlingUnit)
class HandlingUnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "district", "kind", "sort_order", "responsible_leader", "is_active")
    list_filter = ("district", "kind", "is_active")
    list_select_related = ("district", "responsible_leader")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("responsible_leader",)
    inlines = [UnitContactInline]


@admin.register(Proposer)
class ProposerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "district", "body", "kind", "term", "constituency", "is_active")
    list_filter = ("district", "body", "kind", "is_active")
    list_select_related = ("district",)
    search_fields = ("name", "constituency")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "district", "unit", "proposer", "is_active")
    list_filter = ("role", "district", "is_active")
    list_select_related = ("user", "district", "unit", "proposer")
    search_fields = ("user__username", "user__full_name", "unit__name", "proposer__name")
    autocomplete_fields = ("user", "district", "unit", "proposer")


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """Django's record of changes made in this admin, for the audit administrator to read; nobody edits it."""

    list_display = ("action_time", "user", "content_type", "object_repr", "action_flag", "change_message")
    list_filter = ("action_flag", "content_type")
    list_select_related = ("user", "content_type")
    search_fields = ("object_repr", "change_message", "user__username")
    date_hierarchy = "action_time"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
