"""The clock: the working-day calendar, deadline policies and the obligations they produce."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from districts.models import Body, District, HandlingUnit


class Holiday(models.Model):
    """A date that differs from Monday–Friday: a holiday, or a make-up working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("make-up working day"),
        default=False,
        help_text=_("On for a weekend day that is worked (调休); off for a holiday."),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self):
        return f"{self.date} {self.name}"


class CalendarYear(models.Model):
    """A year whose official holiday schedule is in the table; other years fall back to Mon–Fri."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)


class ObligationKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Accept or return the assignment")
    CONSULTATION = "consultation", _("Consult the proposer")
    CO_OPINION = "co_opinion", _("Send the co-unit opinion")
    REPLY = "reply", _("Reply")
    EXTENDED_REPLY = "extended_reply", _("Reply (extended)")
    FEEDBACK = "feedback", _("Give feedback on the reply")
    REHANDLING_REPLY = "rehandling_reply", _("Reply again after disagreement")
    FOLLOW_UP = "follow_up", _("Report follow-up progress")


class PeriodUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    MONTHS = "months", _("calendar months")


class PeriodStart(models.TextChoices):
    ASSIGNMENT = "assignment", _("assignment")
    ACCEPTANCE = "acceptance", _("acceptance")
    REPLY_SENT = "reply_sent", _("reply sent")
    DISAGREEMENT = "disagreement", _("disagreement")
    PREVIOUS_REPORT = "previous_report", _("previous report")


class DeadlinePolicy(models.Model):
    """One obligation's period for a district, optionally narrowed to a body and a session.

    The most specific row wins: district + body + session, then district + body, then
    district; with none, the defaults of domain §4 apply.
    """

    district = models.ForeignKey(District, models.PROTECT, related_name="deadline_policies", verbose_name=_("district"))
    body = models.CharField(_("body"), max_length=10, choices=Body.choices, blank=True)
    session = models.ForeignKey(
        "proposals.Session",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="deadline_policies",
        verbose_name=_("session"),
    )
    kind = models.CharField(_("obligation"), max_length=20, choices=ObligationKind.choices)
    amount = models.PositiveSmallIntegerField(_("period"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=PeriodUnit.choices, blank=True)
    start = models.CharField(_("counted from"), max_length=20, choices=PeriodStart.choices, blank=True)
    fixed_date = models.DateField(_("fixed due date"), null=True, blank=True)
    remind_before = models.PositiveSmallIntegerField(
        _("remind working days before"),
        default=3,
    )
    escalate_to_head_after = models.PositiveSmallIntegerField(
        _("escalate to unit head after working days overdue"),
        default=3,
    )
    escalate_to_office_after = models.PositiveSmallIntegerField(
        _("escalate key items to office and leader after working days overdue"),
        default=5,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.CheckConstraint(
                condition=(Q(fixed_date__isnull=True, amount__isnull=False) & ~Q(unit="") & ~Q(start=""))
                | Q(fixed_date__isnull=False, amount__isnull=True, unit="", start=""),
                name="policy_relative_xor_fixed",
            ),
            models.CheckConstraint(
                condition=Q(session__isnull=True) | ~Q(body=""),
                name="policy_session_needs_body",
            ),
            models.UniqueConstraint(
                fields=["district", "body", "kind"],
                condition=Q(session__isnull=True),
                name="policy_unique_per_body",
            ),
            models.UniqueConstraint(
                fields=["district", "body", "session", "kind"],
                condition=Q(session__isnull=False),
                name="policy_unique_per_session",
            ),
        ]

    def __str__(self):
        return f"{self.district} {self.body} {self.session or ''} {self.get_kind_display()}"


class Obligation(models.Model):
    """Something someone owes by a date: the row every deadline, reminder and timeliness figure reads."""

    class Owner(models.TextChoices):
        UNIT = "unit", _("Handling unit")
        PROPOSER = "proposer", _("Proposer")
        OFFICE = "office", _("Office")

    item = models.ForeignKey("proposals.Item", models.PROTECT, related_name="obligations", verbose_name=_("item"))
    assignment = models.ForeignKey(
        "workflow.Assignment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
        verbose_name=_("assignment"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ObligationKind.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    owner = models.CharField(_("owed by"), max_length=10, choices=Owner.choices)
    unit = models.ForeignKey(
        HandlingUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
        verbose_name=_("unit"),
    )
    starts_on = models.DateField(_("counted from"))
    rule = models.JSONField(_("rule"), default=dict, help_text=_("How the due date was computed, for the explanation."))
    due_on = models.DateField(_("due on"))
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Computed over a year with no official holiday data."),
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    cancelled_at = models.DateTimeField(
        _("cancelled at"),
        null=True,
        blank=True,
        help_text=_("No longer owed (for example the assignment was returned and reassigned)."),
    )
    next_remind_at = models.DateTimeField(_("next reminder at"), null=True, blank=True)
    calendar_version = models.PositiveIntegerField(_("calendar version"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        constraints = [
            models.CheckConstraint(
                condition=Q(fulfilled_at__isnull=True, on_time__isnull=True)
                | Q(fulfilled_at__isnull=False, on_time__isnull=False),
                name="obligation_on_time_frozen_when_fulfilled",
            ),
            models.CheckConstraint(
                condition=~Q(owner="unit") | Q(unit__isnull=False),
                name="obligation_unit_owner_has_unit",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("starts_on")), name="obligation_due_after_start"),
            models.UniqueConstraint(
                fields=["item", "assignment", "kind", "round"],
                condition=Q(fulfilled_at__isnull=True, cancelled_at__isnull=True) & ~Q(kind="follow_up"),
                name="obligation_one_open_per_kind",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_remind_at"],
                name="obligation_reminder_due_idx",
                condition=Q(fulfilled_at__isnull=True, cancelled_at__isnull=True, next_remind_at__isnull=False),
            ),
            models.Index(
                fields=["item", "due_on"],
                name="obligation_open_idx",
                condition=Q(fulfilled_at__isnull=True, cancelled_at__isnull=True),
            ),
            models.Index(fields=["unit", "kind"], name="obligation_unit_idx"),
        ]

    def __str__(self):
        return f"{self.item} · {self.get_kind_display()} · {self.due_on}"
