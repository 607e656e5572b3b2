"""A bundle of many items' case files in one PDF, built by a worker while the office watches its progress."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from proposals.models import get_private_storage

# A bundle is for reading and printing a list, not for exporting the district: beyond this, narrow the list.
MAX_ITEMS = 500


def bundle_path(bundle, filename):
    return f"case-files/{bundle.pk}.pdf"


class CaseFileBundle(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    item_ids = models.JSONField(_("items"), help_text=_("The ids of the items, in the list's order."))
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("items done"), default=0)
    file = models.FileField(_("file"), upload_to=bundle_path, storage=get_private_storage, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("case file bundle")
        verbose_name_plural = _("case file bundles")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="ready") | ~models.Q(file=""), name="casefile_ready_has_file"
            ),
        ]

    def __str__(self):
        return f"{self.requested_by} · {self.requested_at:%Y-%m-%d %H:%M} · {len(self.item_ids)}"

    @property
    def total(self):
        return len(self.item_ids)
