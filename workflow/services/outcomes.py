"""The outcome scheme and rating scale an item uses (domain §5), and the checks on a chosen value."""

from django.utils.translation import gettext as _

from ..errors import WorkflowError
from ..models import BodySetting


def body_setting(item) -> BodySetting:
    try:
        return BodySetting.objects.select_related("scheme", "rating_scale").get(
            district_id=item.district_id, body=item.body
        )
    except BodySetting.DoesNotExist:
        raise WorkflowError(
            _("The district has no outcome scheme for this body yet; an administrator must set one."),
            code="no_scheme",
        ) from None


def check_category(item, category):
    if category is None:
        raise WorkflowError(_("Choose an outcome category."), code="category_missing", field="category")
    if category.scheme_id != body_setting(item).scheme_id:
        raise WorkflowError(
            _("This outcome category is not part of the district's scheme for this body."),
            code="category_foreign",
            field="category",
        )


def check_category_details(category, *, planned_on, reason):
    if category.needs_planned_date and planned_on is None:
        raise WorkflowError(
            _("The category “%(category)s” needs a planned completion date.") % {"category": category.label},
            code="planned_date_missing",
            field="planned_on",
        )
    if category.needs_reason and not (reason or "").strip():
        raise WorkflowError(
            _("The category “%(category)s” needs a reason.") % {"category": category.label},
            code="reason_missing",
            field="reason",
        )


def check_rating(item, rating):
    if rating is not None and rating.scale_id != body_setting(item).rating_scale_id:
        raise WorkflowError(
            _("This rating is not on the district's scale for this body."), code="rating_foreign", field="rating"
        )
