"""What someone owes by a date: the row every deadline, reminder and timeliness figure reads."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deadlines.models import ObligationKind
from districts.models import HandlingUnit

# Still owed: neither fulfilled nor cancelled (`Obligation.objects.open()`, and the partial indexes below).
OPEN = Q(fulfilled_at__isnull=True, cancelled_at__isnull=True)


def open_at(moment) -> Q:
    """Still owed at `moment`: neither fulfilled nor cancelled before it (what was open on a past day)."""
    return (Q(fulfilled_at__isnull=True) | Q(fulfilled_at__gte=moment)) & (
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=moment)
    )


class ObligationQuerySet(models.QuerySet):
    def open(self):
        """Obligations still owed: neither fulfilled nor cancelled."""
        return self.filter(OPEN)

    def open_at(self, moment):
        """Obligations still owed at `moment` (`open_at`)."""
        return self.filter(open_at(moment))


class Obligation(models.Model):
    """Something someone owes by a date: the row every deadline, reminder and timeliness figure reads."""

    OPEN = OPEN

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

    objects = ObligationQuerySet.as_manager()

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
                condition=OPEN & ~Q(kind="follow_up"),
                name="obligation_one_open_per_kind",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_remind_at"],
                name="obligation_reminder_due_idx",
                condition=OPEN & Q(next_remind_at__isnull=False),
            ),
            models.Index(
                fields=["item", "due_on"],
                name="obligation_open_idx",
                condition=OPEN,
            ),
            models.Index(fields=["unit", "kind"], name="obligation_unit_idx"),
            # A unit's inbox reads its open obligations, soonest due first, however long its history.
            models.Index(fields=["unit", "due_on"], name="obligation_unit_open_idx", condition=OPEN),
        ]

    def __str__(self):
        return f"{self.item} · {self.get_kind_display()} · {self.due_on}"
