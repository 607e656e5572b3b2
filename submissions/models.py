"""Items handed in online before the office registers them: a submission and its co-sign invitations.

A draft and its invitations are not yet an item: they live here, apart from `proposals.Item`, so
that nothing of an item's life (numbers, stages, obligations, lists, reports) sees them. Only
`workflow.services.submissions` changes these rows; registering a submission creates its item
through the intake service, and the submission keeps a link to it.

Files: an item's `Attachment` needs an item, which a draft does not have yet. A draft's files are
`SubmissionFile` rows, checked on upload exactly as attachments are and stored in the same private
storage (no URL, served by a checked view). At registration each becomes an `Attachment` of the new
item pointing at the same stored file (nothing is copied), and the file row remembers that attachment.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from districts.models import Body, District, Proposer
from proposals.models import Attachment, Category, Item, Kind, Session, get_private_storage


class Submission(models.Model):
    """An item a proposer (a deputy, a member, or a group's staff acting for the group) hands in online."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Handed in, awaiting its number")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REGISTERED = "registered", _("Recorded as an item")

    district = models.ForeignKey(District, models.PROTECT, related_name="submissions", verbose_name=_("district"))
    body = models.CharField(_("body"), max_length=10, choices=Body.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    lead = models.ForeignKey(Proposer, models.PROTECT, related_name="submissions", verbose_name=_("lead proposer"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    category = models.ForeignKey(
        Category,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("suggested category"),
    )
    session = models.ForeignKey(
        Session, models.PROTECT, null=True, blank=True, related_name="submissions", verbose_name=_("session")
    )
    disclosure = models.CharField(
        _("disclosure consent"), max_length=20, choices=Item.Disclosure.choices, default=Item.Disclosure.ON_REQUEST
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    item = models.OneToOneField(
        Item, models.PROTECT, null=True, blank=True, related_name="submission", verbose_name=_("item")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("online submission")
        verbose_name_plural = _("online submissions")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="registered", item__isnull=False, registered_at__isnull=False)
                | (~Q(state="registered") & Q(item__isnull=True)),
                name="submission_item_iff_registered",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False) | Q(state="withdrawn"),
                name="submission_submitted_at_once_submitted",
            ),
        ]
        indexes = [models.Index(fields=["district", "state"], name="submission_district_state")]

    def __str__(self):
        return self.title or str(_("Untitled draft"))


class CoSignInvitation(models.Model):
    """A proposer of the same body asked to co-sign (联名); they answer by `answer_by` or are left out."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        LAPSED = "lapsed", _("No answer: left out")

    submission = models.ForeignKey(Submission, models.PROTECT, related_name="invitations", verbose_name=_("submission"))
    proposer = models.ForeignKey(
        Proposer, models.PROTECT, related_name="cosign_invitations", verbose_name=_("invited co-signer")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    invited_at = models.DateTimeField(_("invited at"))
    answer_by = models.DateField(_("answer by"), help_text=_("The last day of the co-sign window."))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("answered by")
    )
    by_office = models.BooleanField(
        _("confirmed by the office"), default=False, help_text=_("For a co-signer who does not log in.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "invited_at", "pk"]
        verbose_name = _("co-sign invitation")
        verbose_name_plural = _("co-sign invitations")
        constraints = [
            models.UniqueConstraint(fields=["submission", "proposer"], name="cosign_once_per_proposer"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "lapsed"], answered_at__isnull=True)
                | (Q(state__in=["confirmed", "declined"]) & Q(answered_at__isnull=False)),
                name="cosign_answered_iff_answer",
            ),
        ]

    def __str__(self):
        return f"{self.submission} · {self.proposer}"


def submission_file_path(instance, filename):
    return f"submissions/{instance.submission.district_id}/{instance.submission_id}/{filename}"


class SubmissionFile(models.Model):
    """A file of a submission, until registration makes it an attachment of the item (`attachment`)."""

    submission = models.ForeignKey(Submission, models.PROTECT, related_name="files", verbose_name=_("submission"))
    file = models.FileField(_("file"), upload_to=submission_file_path, storage=get_private_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    attachment = models.OneToOneField(
        Attachment,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="submission_file",
        verbose_name=_("attachment of the item"),
    )

    class Meta:
        ordering = ["submission", "uploaded_at", "pk"]
        verbose_name = _("submission file")
        verbose_name_plural = _("submission files")
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="submission_file_not_empty")]

    def __str__(self):
        return self.original_name
