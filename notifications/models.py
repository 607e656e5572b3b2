"""What was told to whom, on which channel, and whether it got there.

One row per recipient and channel. The recipient is a user or, for someone without an
account (a resident answered through 码上约), a mobile number texted by SMS only: exactly one
of the two, held by `notification_user_or_phone`. Rows are recorded by set-based inserts that ignore
conflicts on the uniqueness constraints below, so running the sweep twice records nothing
new; delivery claims a row with a conditional update before sending (see
`notifications.delivery`). Text is rendered when sent, from `params`, in the
recipient's language — never stored translated.

The tables were first created by the workflow app; they keep their names (`db_table`).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.utils.translation import gettext_lazy as _

from districts.phones import MOBILE


class NotificationKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("Due soon")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION_HEAD = "escalation_head", _("Overdue: escalated to the unit head")
    ESCALATION_OFFICE = "escalation_office", _("Overdue key item: escalated to the office and leader")
    REPLY_ARRIVED = "reply_arrived", _("A reply waits for your rating")
    UNIT_MESSAGE = "unit_message", _("A message from the unit")
    PROPOSER_MESSAGE = "proposer_message", _("A message from the proposer")
    LEADER_INSTRUCTION = "leader_instruction", _("An instruction of the supervising leader")
    OFFICE_DIGEST = "office_digest", _("Daily digest of newly overdue items")
    WEEKLY_SUMMARY = "weekly_summary", _("Weekly summary per unit")
    COSIGN_INVITATION = "cosign_invitation", _("An invitation to co-sign an item")
    CITY_OPINION = "city_opinion", _("A city item's opinion waits for your approval")
    RESIDENT_ANSWER = "resident_answer", _("An answer to a resident's message")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the application")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        HELD = "held", _("Held until the morning or a retry")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DELIVERY_UNKNOWN = "delivery_unknown", _("Delivery unknown (the sender stopped mid-send)")
        SKIPPED = "skipped", _("Not sent: no longer due")
        UNSENDABLE = "unsendable", _("Not sent: no SMS gateway is configured")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    phone = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        help_text=_("The number of someone without an account (a resident), texted instead of a user."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    obligation = models.ForeignKey(
        "workflow.Obligation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("obligation"),
    )
    event = models.ForeignKey(
        "workflow.Event",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("event"),
    )
    item = models.ForeignKey(
        "proposals.Item",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("item"),
    )
    due_on = models.DateField(
        _("for the date"), help_text=_("The obligation's due date, or the day of a digest or an event.")
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    scheduled_for = models.DateTimeField(_("not before"), help_text=_("Held messages wait until this time."))
    enqueued_at = models.DateTimeField(_("handed to a worker at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by task"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        db_table = "workflow_notification"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        # Resending sends an SMS or email again: its own right, not part of reading the list.
        permissions = [("resend_notification", _("Can resend a notification on purpose"))]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "kind", "recipient", "due_on", "channel"],
                condition=Q(obligation__isnull=False),
                name="notification_once_per_obligation",
            ),
            models.UniqueConstraint(
                fields=["event", "kind", "recipient", "channel"],
                condition=Q(event__isnull=False),
                name="notification_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient", "due_on", "channel"],
                condition=Q(obligation__isnull=True, event__isnull=True),
                name="notification_once_per_digest",
            ),
            # A resident's notice: one per answer, the answer's moment and page stored in `params`
            # (`notifications.residents`); a retry of the same commit finds its row.
            models.UniqueConstraint(
                F("kind"),
                F("phone"),
                KT("params__path"),
                KT("params__answered_at"),
                condition=Q(recipient__isnull=True),
                name="notification_once_per_phone_notice",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False, phone="") | (Q(recipient__isnull=True) & ~Q(phone="")),
                name="notification_user_or_phone",
            ),
            models.CheckConstraint(condition=Q(phone="") | Q(channel="sms"), name="notification_phone_by_sms"),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=f"^{MOBILE.pattern}$"), name="notification_phone_is_mobile"
            ),
        ]
        indexes = [
            models.Index(
                fields=["scheduled_for"],
                name="notification_to_send_idx",
                condition=Q(state__in=["pending", "held"]),
            ),
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_bell_idx",
                condition=Q(channel="in_app"),
            ),
            models.Index(fields=["state", "created_at"], name="notification_state_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient or self.phone} ({self.get_channel_display()})"


class NotificationPreference(models.Model):
    """The channels a user wants besides the in-app bell, which is always on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(_("SMS"), default=True)

    class Meta:
        db_table = "workflow_notificationpreference"
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)
