"""Admin for outcome schemes and rating scales (domain §5): data a district may change."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import BodySetting, OutcomeCategory, OutcomeScheme, RatingScale, RatingValue


class OutcomeCategoryInline(admin.TabularInline):
    model = OutcomeCategory
    extra = 0
    fields = [
        "sort_order",
        "code",
        "label",
        "counts_as_resolved",
        "stays_open",
        "follow_up",
        "needs_planned_date",
        "needs_reason",
        "needs_leader_signoff",
    ]


@admin.register(OutcomeScheme)
class OutcomeSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    inlines = [OutcomeCategoryInline]


class RatingValueInline(admin.TabularInline):
    model = RatingValue
    extra = 0
    fields = ["sort_order", "code", "label"]


@admin.register(RatingScale)
class RatingScaleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    inlines = [RatingValueInline]


@admin.register(BodySetting)
class BodySettingAdmin(SimpleHistoryAdmin):
    list_display = ["district", "body", "scheme", "rating_scale"]
    list_filter = ["body", "scheme"]
    list_select_related = ["district", "scheme", "rating_scale"]

    def has_delete_permission(self, request, obj=None):
        # Reports compare like with like through the scheme; a district always keeps one per body.
        return False
