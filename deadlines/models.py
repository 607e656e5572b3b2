"""The clock: the working-day calendar (holidays and make-up days) and the deadline policies of each district.

The tables were first created by the workflow app; they keep their names (`db_table`).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from districts.models import Body, District


class Holiday(models.Model):
    """A date that differs from Monday–Friday: a holiday, or a make-up working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("make-up working day"),
        default=False,
        help_text=_("On for a weekend day that is worked (调休); off for a holiday."),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    history = HistoricalRecords(table_name="workflow_historicalholiday")

    class Meta:
        db_table = "workflow_holiday"
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
    history = HistoricalRecords(table_name="workflow_historicalcalendaryear")

    class Meta:
        db_table = "workflow_calendaryear"
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


# The obligations a lead unit's reply answers: the reply, extended or not, and the reply after a disagreement.
REPLY_KINDS = (ObligationKind.REPLY, ObligationKind.EXTENDED_REPLY, ObligationKind.REHANDLING_REPLY)


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
    INVITATION = "invitation", _("invitation")


# Not an obligation of an item: the window in which a proposer invited to co-sign an item handed in
# online (`submissions`) confirms or declines. A policy like the others, so a district sets its own.
COSIGN_WINDOW = "cosign"
POLICY_KINDS = [*ObligationKind.choices, (COSIGN_WINDOW, _("Confirm or decline co-signing"))]


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
    kind = models.CharField(_("obligation"), max_length=20, choices=POLICY_KINDS)
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
    history = HistoricalRecords(table_name="workflow_historicaldeadlinepolicy")

    class Meta:
        db_table = "workflow_deadlinepolicy"
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
