"""A member of the public asking for a reply the proposer consented to disclose on request (依申请公开).

The requester has no account: their name, contact and reason live here only, shown to the office
of the item's district; the timeline's events carry this row's id, never the person.
`workflow.services.disclosure` writes the request and the decision; the notifications app sends
the answer to the contact and notes here when it went out (`answered_at`) or why it did not.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .handling import Reply


class DisclosureRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        GRANTED = "granted", _("Granted: the reply was sent")
        REFUSED = "refused", _("Refused")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    item = models.ForeignKey(
        "proposals.Item", models.PROTECT, related_name="disclosure_requests", verbose_name=_("item")
    )
    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=254, help_text=_("An email address or a mobile number."))
    channel = models.CharField(_("answered by"), max_length=10, choices=Channel.choices)
    reason = models.TextField(_("reason for the request"))
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)
    # The replies sent to the requester, as they stood when the request was granted.
    replies = models.ManyToManyField(Reply, blank=True, related_name="+", verbose_name=_("replies sent"))
    # Which of those replies' own files went with them (chosen by the office; by email only).
    attachments = models.ManyToManyField(
        "proposals.Attachment", blank=True, related_name="+", verbose_name=_("files sent")
    )
    answered_at = models.DateTimeField(_("answer sent at"), null=True, blank=True)
    answer_error = models.TextField(_("why the answer was not sent"), blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("disclosure request")
        verbose_name_plural = _("disclosure requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="pending", decided_at__isnull=True)
                | (~Q(state="pending") & Q(decided_at__isnull=False)),
                name="disclosure_decided_iff_not_pending",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reason=""),
                name="disclosure_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(state="pending"),
                name="disclosure_answered_only_when_decided",
            ),
        ]
        indexes = [models.Index(fields=["state", "requested_at"], name="disclosure_queue_idx")]

    def __str__(self):
        return f"{self.item_id} · {self.requested_at:%Y-%m-%d}"
