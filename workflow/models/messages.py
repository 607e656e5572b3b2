"""Messages between an item's proposers and one of its handling units (有问必答 / 沟通互动).

Each unit on an item has its own thread with the proposers. Messages are never edited or
deleted, so they carry no history; `workflow.services.messages.send_message` writes them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from districts.models import HandlingUnit

MAX_MESSAGE_CHARS = 2000


class Message(models.Model):
    class Sender(models.TextChoices):
        UNIT = "unit", _("Handling unit")
        PROPOSER = "proposer", _("Proposer")

    item = models.ForeignKey("proposals.Item", models.PROTECT, related_name="messages", verbose_name=_("item"))
    unit = models.ForeignKey(
        HandlingUnit,
        models.PROTECT,
        related_name="messages",
        verbose_name=_("unit"),
        help_text=_("The unit side of the conversation, whoever wrote the message."),
    )
    sender = models.CharField(_("written by"), max_length=10, choices=Sender.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("author"))
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["item", "created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(condition=Q(sender__in=["unit", "proposer"]), name="message_sender_known"),
            models.CheckConstraint(condition=GreaterThan(Length(Trim("text")), 0), name="message_text_not_blank"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), MAX_MESSAGE_CHARS), name="message_text_not_too_long"
            ),
        ]
        indexes = [models.Index(fields=["item", "created_at"], name="message_thread_idx")]

    def __str__(self):
        return f"{self.item_id} {self.get_sender_display()} {self.created_at:%Y-%m-%d %H:%M}"
