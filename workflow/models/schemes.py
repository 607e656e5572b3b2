"""Outcome schemes and rating scales (domain §5), chosen per district and body."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from districts.models import Body, District


class OutcomeScheme(models.Model):
    """A set of outcome categories; the scheme, not the code, defines what counts as resolved."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("outcome scheme")
        verbose_name_plural = _("outcome schemes")

    def __str__(self):
        return self.name


class OutcomeCategory(models.Model):
    class FollowUp(models.TextChoices):
        NONE = "none", _("No follow-up")
        MONTHLY = "monthly", _("Monthly progress reports")
        QUARTERLY = "quarterly", _("Quarterly progress reports")

    scheme = models.ForeignKey(OutcomeScheme, models.PROTECT, related_name="categories", verbose_name=_("scheme"))
    code = models.CharField(_("code"), max_length=10)
    label = models.CharField(_("label"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"))
    counts_as_resolved = models.BooleanField(_("counts as resolved"), default=False)
    stays_open = models.BooleanField(_("item stays open"), default=False)
    follow_up = models.CharField(_("follow-up"), max_length=10, choices=FollowUp.choices, default=FollowUp.NONE)
    needs_planned_date = models.BooleanField(_("planned date required"), default=False)
    needs_reason = models.BooleanField(_("reason required"), default=False)
    needs_leader_signoff = models.BooleanField(_("district leader sign-off required"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "sort_order"]
        verbose_name = _("outcome category")
        verbose_name_plural = _("outcome categories")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="outcome_code_unique_in_scheme"),
            models.UniqueConstraint(fields=["scheme", "sort_order"], name="outcome_order_unique_in_scheme"),
            models.CheckConstraint(
                condition=~Q(stays_open=True) | ~Q(follow_up="none") | Q(counts_as_resolved=True),
                name="outcome_open_unresolved_has_follow_up",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.label}"


class RatingScale(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")

    def __str__(self):
        return self.name


class RatingValue(models.Model):
    scale = models.ForeignKey(RatingScale, models.PROTECT, related_name="values", verbose_name=_("scale"))
    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=30)
    sort_order = models.PositiveSmallIntegerField(_("order"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["scale", "sort_order"]
        verbose_name = _("rating value")
        verbose_name_plural = _("rating values")
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="rating_code_unique_in_scale"),
            models.UniqueConstraint(fields=["scale", "label"], name="rating_label_unique_in_scale"),
        ]

    def __str__(self):
        return self.label


class BodySetting(models.Model):
    """The outcome scheme and rating scale a district uses for one body."""

    district = models.ForeignKey(District, models.PROTECT, related_name="body_settings", verbose_name=_("district"))
    body = models.CharField(_("body"), max_length=10, choices=Body.choices)
    scheme = models.ForeignKey(OutcomeScheme, models.PROTECT, related_name="+", verbose_name=_("outcome scheme"))
    rating_scale = models.ForeignKey(RatingScale, models.PROTECT, related_name="+", verbose_name=_("rating scale"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "body"]
        verbose_name = _("body setting")
        verbose_name_plural = _("body settings")
        constraints = [models.UniqueConstraint(fields=["district", "body"], name="body_setting_unique")]

    def __str__(self):
        return f"{self.district} · {self.get_body_display()}"
