"""What the units, the office and the proposers do with an item (domain §4).

Who-did-it columns are nullable: a null is the system (a command or a task), never a deleted user.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from districts.models import HandlingUnit, Proposer

from .schemes import OutcomeCategory, RatingValue

USER = settings.AUTH_USER_MODEL

# The states of an assignment its unit holds (not returned): `Assignment.HELD_STATES`, and the condition
# of the index `assignment_unit_due_idx`, which the model's Meta cannot read from the class.
HELD_ASSIGNMENT_STATES = ("pending", "accepted", "done")


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        """Assignments the unit still holds: not returned to the office."""
        return self.filter(Assignment.ACTIVE)

    def active_leads(self):
        """The lead (and split lead) assignments the units still hold: who reply and whose outcome counts."""
        return self.filter(Assignment.ACTIVE_LEAD)

    def keeping_open(self):
        """Active leads whose outcome keeps the item open, with no closing report yet (domain §4 step 9).

        The outcome of their current reply stays open, or stayed open when it was replied (a second
        reply may since have converted it): the item closes only with their closing report.
        """
        stays_open = Q(category__stays_open=True) | Q(category_at_reply__stays_open=True)
        open_outcome = Reply.objects.current().filter(stays_open, assignment=OuterRef("pk"))
        reported = ClosingReport.objects.filter(assignment=OuterRef("pk"))
        return self.active_leads().filter(Exists(open_outcome)).exclude(Exists(reported))

    def closing_report_due(self):
        """Those `keeping_open` whose closing report the unit may send now: the one rule of
        `closing.submit_closing_report` and of what the item page says it waits for.

        An outcome that counts as resolved (say CPPCC A, 解决或采纳) ends with the closing report
        straight away; one still to be delivered first needs its second reply (两次答复).
        """
        resolved = Reply.objects.current().filter(assignment=OuterRef("pk"), category__counts_as_resolved=True)
        second = Reply.objects.sent().filter(assignment=OuterRef("pk"), kind=Reply.Kind.SECOND)
        return self.keeping_open().filter(Exists(resolved) | Exists(second))


class Assignment(models.Model):
    """An item handed to one unit (交办) as lead, split lead (分办) or co-unit (会办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead unit")
        SPLIT_LEAD = "split_lead", _("Split lead unit")
        CO = "co", _("Co-handling unit")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned to the office")
        DONE = "done", _("Done")

    LEAD_ROLES = (Role.LEAD, Role.SPLIT_LEAD)
    # The unit still has its part to do. Done is final: an opinion sent or waived, the item
    # closed, or past handling imported (which brings no opinion rows).
    OPEN_STATES = (State.PENDING, State.ACCEPTED)
    # Returned and not yet handed to another unit (`assignment.reassign` links the new one).
    AWAITING_REASSIGNMENT = Q(state=State.RETURNED, replaced_by__isnull=True)
    # Not returned: the unit holds it (`Assignment.objects.active()`), and as a lead (`active_leads()`).
    ACTIVE = ~Q(state=State.RETURNED)
    ACTIVE_LEAD = ACTIVE & Q(role__in=LEAD_ROLES)
    # ACTIVE as the states it holds: a join's filter (a negated one would be a subquery) and the
    # condition of `assignment_unit_due_idx`.
    HELD_STATES = tuple(map(State, HELD_ASSIGNMENT_STATES))

    item = models.ForeignKey("proposals.Item", models.PROTECT, related_name="assignments", verbose_name=_("item"))
    unit = models.ForeignKey(HandlingUnit, models.PROTECT, related_name="assignments", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    assigned_at = models.DateTimeField(_("assigned at"))
    assigned_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name=_("assigned by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    replaces = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("reassigned from"),
    )
    # The item's next due date (`Item.next_due_on`), copied so that a unit's list walks its own
    # assignments in due order (`assignment_unit_due_idx`); kept with the item's list facts
    # (`workflow.progress.store_list_facts`, `obligations.store_next_due`).
    item_next_due_on = models.DateField(_("item's next due on"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["item_next_due_on"])

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["item", "assigned_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "unit"],
                condition=~Q(state="returned"),
                name="assignment_unit_once_per_item",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | (Q(returned_at__isnull=False) & ~Q(return_reason="")),
                name="assignment_return_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_at__gte=F("assigned_at")),
                name="assignment_accepted_after_assigned",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="assignment_unit_state_idx"),
            # A unit's list (`workflow.selectors.listed_items`): its held assignments in the order of
            # the items' next due dates, the item id last, as the list sorts; counted from this index alone.
            models.Index(
                fields=["unit", "item_next_due_on", "item"],
                condition=Q(state__in=list(HELD_ASSIGNMENT_STATES)),
                name="assignment_unit_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.item.number} → {self.unit} ({self.get_role_display()})"

    @property
    def is_lead(self):
        return self.role in self.LEAD_ROLES


class Consultation(models.Model):
    """A meeting, call, visit or forum with the proposer (面商), or a recorded waiver."""

    class Method(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Telephone")
        VISIT = "visit", _("Site visit")
        FORUM = "forum", _("Forum")
        WAIVER = "waiver", _("Proposer declined a consultation")

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before the reply")
        DURING = "during", _("During handling")
        AFTER = "after", _("After the reply")

    item = models.ForeignKey("proposals.Item", models.PROTECT, related_name="consultations", verbose_name=_("item"))
    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="consultations", verbose_name=_("assignment")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.BEFORE)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    held_on = models.DateField(_("held on"))
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    form = models.ForeignKey(
        "proposals.Attachment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scanned record"),
    )
    recorded_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by"))
    on_behalf = models.BooleanField(_("recorded by the office on the proposer's behalf"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "held_on", "pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self):
        return f"{self.held_on} {self.get_method_display()}"


class CoUnitOpinion(models.Model):
    """A co-unit's opinion to the lead unit (会办意见), or the office's waiver of it.

    An opinion for a district lead unit is sent when submitted. The district's opinion on a city
    item it co-handles (市办会办件) speaks for the district to the city's lead unit: like a reply,
    the unit head approves it (or sends it back), and the unit records it as sent once the signed
    document has gone through the city's platform.
    """

    class State(models.TextChoices):
        AWAITING_HEAD = "awaiting_head", _("awaiting the unit head's approval")
        SENT_BACK = "sent_back", _("sent back by the unit head")
        APPROVED = "approved", _("approved, to be sent to the city")
        SENT = "sent", _("sent")

    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="opinions", verbose_name=_("co-unit assignment")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SENT)
    text = models.TextField(_("opinion"), blank=True)
    submitted_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    approved_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    waived = models.BooleanField(_("waived by the office"), default=False)
    waiver_reason = models.TextField(_("reason for the waiver"), blank=True)
    attachments = models.ManyToManyField(
        "proposals.Attachment", blank=True, related_name="+", verbose_name=_("attachments")
    )
    history = HistoricalRecords(m2m_fields=[attachments])

    class Meta:
        ordering = ["assignment", "submitted_at"]
        verbose_name = _("co-unit opinion")
        verbose_name_plural = _("co-unit opinions")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="co_opinion_once_per_round"),
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False) | ~Q(state="sent") & Q(sent_at__isnull=True),
                name="co_opinion_sent_when_sent",
            ),
            models.CheckConstraint(condition=Q(waived=False) | Q(state="sent"), name="co_opinion_waiver_is_final"),
            models.CheckConstraint(
                condition=Q(waived=True, text="") & ~Q(waiver_reason="") | Q(waived=False) & ~Q(text=""),
                name="co_opinion_text_or_waiver",
            ),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.round}"


class ReplyQuerySet(models.QuerySet):
    def sent(self):
        """Replies sent to the proposers (a second reply too)."""
        return self.filter(state=Reply.State.SENT)

    def unsent(self):
        """Drafts and replies in the approval chain: neither sent nor superseded."""
        return self.exclude(state__in=[Reply.State.SENT, Reply.State.SUPERSEDED])

    def current(self):
        """Each lead assignment's current reply: its latest round's sent reply (not a second reply).

        Its category is the assignment's outcome.
        """
        later = Reply.objects.sent().filter(
            assignment=OuterRef("assignment"), kind=Reply.Kind.REPLY, round__gt=OuterRef("round")
        )
        return self.sent().filter(kind=Reply.Kind.REPLY).exclude(Exists(later))

    def published(self):
        """Sent replies the office published on the portal, with the proposer's consent."""
        return self.filter(Reply.PUBLISHED)


class Reply(models.Model):
    """A lead unit's reply (答复) for one round, through its approval chain to sending.

    `category` is the current outcome (a follow-up conversion changes it);
    `category_at_reply` is frozen when the reply is sent, for resolution_rate_at_reply.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply")
        SECOND = "second", _("Second reply (delivery of a plan)")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_HEAD = "awaiting_head", _("Awaiting the unit head's approval")
        AWAITING_LEADER = "awaiting_leader", _("Awaiting the district leader's sign-off")
        AWAITING_OFFICE = "awaiting_office", _("Awaiting the office's review")
        SENT = "sent", _("Sent to the proposer")
        SUPERSEDED = "superseded", _("Superseded")

    # Sent and published: what the public portal shows (`Reply.objects.published()`).
    PUBLISHED = Q(state=State.SENT, published_at__isnull=False)

    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="replies", verbose_name=_("lead assignment")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPLY)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("Raised on every save of the draft."))
    text = models.TextField(_("text"), blank=True)
    category = models.ForeignKey(
        OutcomeCategory,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("outcome"),
    )
    category_at_reply = models.ForeignKey(
        OutcomeCategory,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outcome when sent"),
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Required by categories such as 'later, conditions lacking'.")
    )
    planned_on = models.DateField(_("planned completion date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=100, blank=True)
    drafted_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name=_("drafted by"))
    head_approved_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    head_approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    leader_signed_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("signed off by")
    )
    leader_signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("published by")
    )
    attachments = models.ManyToManyField(
        "proposals.Attachment", blank=True, related_name="+", verbose_name=_("attachments")
    )
    # Which of `attachments` the portal shows with the published reply (chosen by the office when
    # publishing, `replies.publish_reply`); the others stay private.
    public_attachments = models.ManyToManyField(
        "proposals.Attachment", blank=True, related_name="+", verbose_name=_("attachments published with the reply")
    )
    history = HistoricalRecords(m2m_fields=[attachments])

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = ["assignment", "round", "kind"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "round", "kind"],
                condition=Q(state="sent"),
                name="reply_one_sent_per_round",
            ),
            models.UniqueConstraint(
                fields=["assignment", "round", "kind"],
                condition=~Q(state__in=["sent", "superseded"]),
                name="reply_one_open_per_round",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent")
                | Q(sent_at__isnull=False, category__isnull=False, category_at_reply__isnull=False),
                name="reply_sent_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(state="sent"),
                name="reply_published_only_when_sent",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(published_at__gte=F("sent_at")),
                name="reply_published_after_sent",
            ),
        ]
        indexes = [models.Index(fields=["state"], name="reply_state_idx")]

    def __str__(self):
        return f"{self.assignment} · {self.round} · {self.get_state_display()}"


class Feedback(models.Model):
    """A proposer's feedback on one round (征询意见表): rating, agreement, praise, comment."""

    item = models.ForeignKey("proposals.Item", models.PROTECT, related_name="feedback", verbose_name=_("item"))
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    proposer = models.ForeignKey(Proposer, models.PROTECT, related_name="feedback", verbose_name=_("proposer"))
    rating = models.ForeignKey(
        RatingValue, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("rating")
    )
    agrees = models.BooleanField(_("agrees with the reply"), null=True)
    praised = models.BooleanField(_("praises the unit"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    form = models.ForeignKey(
        "proposals.Attachment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scanned feedback form"),
    )
    recorded_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by"))
    on_behalf = models.BooleanField(_("recorded by the office on the proposer's behalf"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "round", "submitted_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["item", "round", "proposer"], name="feedback_once_per_round_and_proposer"),
        ]

    def __str__(self):
        return f"{self.item_id} · {self.round} · {self.proposer}"


class FollowUp(models.Model):
    """A progress report on an open item (跟踪), possibly converting its outcome category."""

    item = models.ForeignKey("proposals.Item", models.PROTECT, related_name="follow_ups", verbose_name=_("item"))
    reply = models.ForeignKey(Reply, models.PROTECT, related_name="follow_ups", verbose_name=_("reply"))
    progress = models.TextField(_("progress"))
    converted_from = models.ForeignKey(
        OutcomeCategory,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("converted from"),
    )
    converted_to = models.ForeignKey(
        OutcomeCategory,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("converted to"),
    )
    reported_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        ordering = ["item", "reported_at"]
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(converted_from__isnull=True, converted_to__isnull=True)
                | Q(converted_from__isnull=False, converted_to__isnull=False),
                name="follow_up_conversion_complete",
            ),
        ]

    def __str__(self):
        return f"{self.item_id} · {self.reported_at:%Y-%m-%d}"


class Extension(models.Model):
    """A request, made before the reply is due, to extend it; decided by the office."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    assignment = models.ForeignKey(Assignment, models.PROTECT, related_name="extensions", verbose_name=_("assignment"))
    reason = models.TextField(_("reason"))
    requested_until = models.DateField(_("requested new due date"))
    requested_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    granted_until = models.DateField(_("granted until"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assignment", "requested_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(state="pending"), name="extension_one_pending"),
            models.CheckConstraint(
                condition=~Q(state="granted") | Q(granted_until__isnull=False),
                name="extension_granted_has_date",
            ),
            models.CheckConstraint(
                condition=Q(state="pending", decided_at__isnull=True)
                | (~Q(state="pending") & Q(decided_at__isnull=False)),
                name="extension_decided_iff_not_pending",
            ),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.requested_until}"


class ClosingReport(models.Model):
    """The closing report (结案报告) of an item whose category stayed open."""

    item = models.ForeignKey("proposals.Item", models.PROTECT, related_name="closing_reports", verbose_name=_("item"))
    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="closing_reports", verbose_name=_("assignment")
    )
    text = models.TextField(_("text"))
    submitted_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["item", "submitted_at"]
        verbose_name = _("closing report")
        verbose_name_plural = _("closing reports")
        constraints = [models.UniqueConstraint(fields=["assignment"], name="closing_report_once_per_assignment")]

    def __str__(self):
        return f"{self.item_id} · {self.submitted_at:%Y-%m-%d}"
