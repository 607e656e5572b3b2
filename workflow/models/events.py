"""The item's timeline: one row per state change, with an action code and its data.

Text for people is produced when shown (from the action code), never stored translated.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    item = models.ForeignKey("proposals.Item", models.PROTECT, related_name="events", verbose_name=_("item"))
    assignment = models.ForeignKey(
        "workflow.Assignment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("assignment"),
    )
    action = models.CharField(_("action"), max_length=50, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["item", "at", "pk"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [models.Index(fields=["item", "at"], name="event_item_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
