"""码上约 (issue #20): a deputy's QR code, and the messages residents leave through it.

A resident scans the code of a deputy of their constituency, leaves a message without logging in,
and receives a private code to read the answer later. The deputy answers it, closes it as needing no
action or as spam (who, when and why kept), or turns one or several into a draft suggestion of
theirs (`submissions.Submission`, named by app label so that the two apps import nothing of each
other). Nothing here is ever deleted: a revoked code and a hidden message stay, with who and when.
Only `workflow.services.outreach` changes these rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import District, Proposer

MESSAGE_MAX = 1000  # characters of a resident's message
ANSWER_MAX = 2000


class DistrictSetting(models.Model):
    """A district's choices for the channel: deputies always have a code, CPPCC members where enabled."""

    district = models.OneToOneField(
        District, models.PROTECT, related_name="outreach_setting", verbose_name=_("district")
    )
    members_enabled = models.BooleanField(
        _("CPPCC members have codes too"),
        default=False,
        help_text=_("Deputies of the people's congress always may; CPPCC members only where the district enables it."),
    )

    class Meta:
        verbose_name = _("QR channel setting")
        verbose_name_plural = _("QR channel settings")

    def __str__(self):
        return str(self.district)


class Code(models.Model):
    """A deputy's (or member's) personal code: the link its poster's QR code encodes. Revoked, it takes nothing."""

    proposer = models.ForeignKey(
        Proposer, models.PROTECT, related_name="outreach_codes", verbose_name=_("deputy or member")
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("revoked by")
    )

    class Meta:
        ordering = ["proposer", "-issued_at", "-pk"]
        verbose_name = _("QR channel code")
        verbose_name_plural = _("QR channel codes")
        constraints = [
            models.UniqueConstraint(
                fields=["proposer"], condition=Q(revoked_at__isnull=True), name="outreach_one_live_code"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="outreach_code_revoked_by_whom",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def live(self):
        return self.revoked_at is None


class Message(models.Model):
    """A resident's message to a deputy, and what became of it."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ANSWERED = "answered", _("Answered")
        SUGGESTION = "suggestion", _("Turned into a suggestion")
        DISMISSED = "dismissed", _("Needs no action")
        HIDDEN = "hidden", _("Hidden as spam")

    code = models.ForeignKey(Code, models.PROTECT, related_name="messages", verbose_name=_("code"))
    # The code's, kept on the row: the inbox and the counts read them without a join.
    proposer = models.ForeignKey(
        Proposer, models.PROTECT, related_name="outreach_messages", verbose_name=_("deputy or member")
    )
    district = models.ForeignKey(District, models.PROTECT, related_name="outreach_messages", verbose_name=_("district"))
    text = models.TextField(_("message"), max_length=MESSAGE_MAX)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=100, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    may_contact = models.BooleanField(_("may be contacted"), default=False)
    private_code = models.CharField(_("private code"), max_length=16, unique=True)
    received_at = models.DateTimeField(_("received at"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.WAITING)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=ANSWER_MAX, blank=True)
    reason = models.TextField(_("reason"), max_length=ANSWER_MAX, blank=True)
    acted_at = models.DateTimeField(_("acted on at"), null=True, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("acted on by")
    )
    submission = models.ForeignKey(
        "submissions.Submission",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_messages",
        verbose_name=_("suggestion"),
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("QR channel message")
        verbose_name_plural = _("QR channel messages")
        indexes = [
            models.Index(fields=["proposer", "state", "received_at"], name="outreach_inbox_idx"),
            models.Index(fields=["district", "received_at"], name="outreach_district_idx"),
            models.Index(fields=["code", "received_at"], name="outreach_code_rate_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="waiting", acted_at__isnull=True, acted_by__isnull=True)
                | (~Q(state="waiting") & Q(acted_at__isnull=False, acted_by__isnull=False)),
                name="outreach_acted_iff_not_waiting",
            ),
            models.CheckConstraint(
                condition=(Q(state="answered") & ~Q(answer="")) | (~Q(state="answered") & Q(answer="")),
                name="outreach_answer_iff_answered",
            ),
            models.CheckConstraint(
                condition=(Q(state__in=["dismissed", "hidden"]) & ~Q(reason=""))
                | (~Q(state__in=["dismissed", "hidden"]) & Q(reason="")),
                name="outreach_reason_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(state="suggestion", submission__isnull=False)
                | (~Q(state="suggestion") & Q(submission__isnull=True)),
                name="outreach_submission_iff_suggestion",
            ),
        ]

    def __str__(self):
        return f"{self.proposer} · {self.received_at:%Y-%m-%d}"
