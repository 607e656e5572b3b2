"""What was handed in: sessions, categories, items, their proposers and attachments.

State changes are made only by the services in `workflow/`; these models hold data.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.db import models
from django.db.models import F, Q
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from districts.models import Body, District, Proposer


class Session(models.Model):
    """A session (届次/会议) of a district or city congress or CPPCC; number 0 = between sessions."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        CITY = "city", _("City")

    district = models.ForeignKey(District, models.PROTECT, related_name="sessions", verbose_name=_("district"))
    body = models.CharField(_("body"), max_length=10, choices=Body.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    term = models.PositiveSmallIntegerField(_("term"))
    number = models.PositiveSmallIntegerField(
        _("session number"), help_text=_("0 for items handed in between sessions")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    label = models.CharField(_("label"), max_length=50, help_text=_("As printed, e.g. 六届一次"))
    starts_on = models.DateField(_("opens on"), null=True, blank=True)
    ends_on = models.DateField(_("closes on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "-year", "body", "term", "number"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["district", "body", "level", "year", "label"], name="session_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="session_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.label


class Category(models.Model):
    """A subject category (类别) of a district, in the district's order."""

    district = models.ForeignKey(District, models.PROTECT, related_name="categories", verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="category_unique_in_district")]

    def __str__(self):
        return self.name


class Kind(models.TextChoices):
    """Kinds of item (件别) of the import contract, domain §7."""

    SUGGESTION = "suggestion", _("Deputy suggestion")
    WRITTEN_OPINION = "written_opinion", _("Written opinion")
    PROPOSAL = "proposal", _("CPPCC proposal")
    COMMUNITY_OPINION = "community_opinion", _("Community opinion")
    CITY_LEAD = "city_lead", _("City item (lead)")
    CITY_CO = "city_co", _("City item (co-handling)")


ORDINARY_KINDS = {
    Body.NPC: (Kind.SUGGESTION, Kind.WRITTEN_OPINION),
    Body.CPPCC: (Kind.PROPOSAL,),
}
# The body each kind is handed in to; a city item (交办件) comes to either.
KIND_BODY = {
    Kind.SUGGESTION: Body.NPC,
    Kind.WRITTEN_OPINION: Body.NPC,
    Kind.COMMUNITY_OPINION: Body.NPC,
    Kind.PROPOSAL: Body.CPPCC,
}


def kind_fits_body(kind, body) -> bool:
    """Whether an item of `kind` belongs to `body`; a city item, or an unknown kind (an unread cell), fits either."""
    return KIND_BODY.get(kind, body) == body


# The columns of Item that only the workflow writes, derived from the rest (`workflow.progress`).
LIST_FACTS = (
    "next_due_on",
    "office_waits_for",
    "office_waiting_on",
    "outside_waits_for",
    "outside_waiting_on",
    "replies_in_approval",
)


class Item(models.Model):
    """One suggestion or proposal, from intake to closing."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        REGISTERED = "registered", _("Registered")
        REJECTED = "rejected", _("Not registered")
        MERGED = "merged", _("Merged into another item")

    class State(models.TextChoices):
        """Where the item stands; kept by the workflow services, filtered by every list."""

        RECEIVED = "received", _("Received")
        REGISTERED = "registered", _("Awaiting assignment")
        HANDLING = "handling", _("Being handled")
        REPLIED = "replied", _("Replied, awaiting feedback")
        FOLLOWING_UP = "following_up", _("Following up")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Not registered")
        MERGED = "merged", _("Merged")

    class Disclosure(models.TextChoices):
        PUBLIC = "public", _("May be published")
        PRIVATE = "private", _("Not to be published")
        ON_REQUEST = "on_request", _("Published on request")

    district = models.ForeignKey(District, models.PROTECT, related_name="items", verbose_name=_("district"))
    year = models.PositiveSmallIntegerField(_("year"))
    body = models.CharField(_("body"), max_length=10, choices=Body.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=30)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    session = models.ForeignKey(
        Session,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("session"),
    )
    category = models.ForeignKey(
        Category,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("category"),
    )
    proposers = models.ManyToManyField(
        Proposer,
        through="ItemProposer",
        related_name="items",
        verbose_name=_("proposers"),
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    review = models.CharField(_("review"), max_length=20, choices=Review.choices, default=Review.PENDING)
    rejection_reason = models.TextField(_("reason not registered"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_items",
        verbose_name=_("merged into"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RECEIVED)
    round = models.PositiveSmallIntegerField(
        _("handling round"),
        default=1,
        help_text=_("Goes up by one for each re-handling after disagreement."),
    )
    is_key = models.BooleanField(_("key item"), default=False)
    supervising_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_items",
        verbose_name=_("supervising leader"),
    )
    disclosure = models.CharField(
        _("disclosure consent"),
        max_length=20,
        choices=Disclosure.choices,
        default=Disclosure.ON_REQUEST,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    is_imported = models.BooleanField(
        _("imported history"),
        default=False,
        help_text=_("Recorded from a spreadsheet of past handling; workflow preconditions did not apply."),
    )
    # What the lists sort and filter on, stored so that a page costs the same at 50 items and at a
    # million: the earliest due date among the item's open obligations. The workflow keeps it in the
    # transaction that opens, fulfils, cancels or moves an obligation (`workflow.obligations`).
    next_due_on = models.DateField(_("next due on"), null=True, blank=True, editable=False)
    # What the item waits for and on whom (`workflow.progress`: the codes of `waits`), stored for the
    # same reason and kept by the same transactions. As the office reads it (every reply visible), and
    # as one who sees no reply in its approval chain reads it (a proposer, a co-unit: "the reply" until
    # it is sent); `replies_in_approval` says which lead unit's reply sits at which approval step
    # ({"u<unit id>": "head_approval"}), so each reader's view is mapped when read, without a subquery.
    office_waits_for = models.CharField(_("waits for"), max_length=20, default="review", editable=False)
    office_waiting_on = models.CharField(_("waiting on"), max_length=20, default="office", editable=False)
    outside_waits_for = models.CharField(
        _("waits for (without replies in approval)"), max_length=20, default="review", editable=False
    )
    outside_waiting_on = models.CharField(
        _("waiting on (without replies in approval)"), max_length=20, default="office", editable=False
    )
    replies_in_approval = models.JSONField(_("replies in approval"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=list(LIST_FACTS))

    class Meta:
        ordering = ["district", "-year", "body", "number"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "body", "kind", "number"], name="item_number_unique"),
            models.CheckConstraint(
                condition=~Q(review="rejected") | ~Q(rejection_reason=""),
                name="item_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(review="merged", merged_into__isnull=False)
                | (~Q(review="merged") & Q(merged_into__isnull=True)),
                name="item_merged_iff_target",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="item_not_merged_into_itself"),
            models.CheckConstraint(
                condition=Q(state="closed", closed_at__isnull=False) | (~Q(state="closed") & Q(closed_at__isnull=True)),
                name="item_closed_iff_closed_at",
            ),
            models.CheckConstraint(condition=Q(year__gte=1980, year__lte=2100), name="item_year_plausible"),
            models.CheckConstraint(condition=Q(round__gte=1), name="item_round_positive"),
        ]
        indexes = [
            models.Index(fields=["district", "year", "body", "kind"], name="item_report_idx"),
            models.Index(fields=["district", "state"], name="item_state_idx"),
            # The lists' default order within a district and year: next due first, none last.
            models.Index(fields=["district", "year", "next_due_on", "id"], name="item_next_due_idx"),
            # The same over all years (the list's default when the reader has no item this year): a page
            # walks the index and stops after its rows, instead of sorting the district's items.
            models.Index(fields=["district", "next_due_on", "id"], name="item_district_due_idx"),
            # The list's year, session and category choices: distinct from the index alone (no row visited).
            models.Index(fields=["district", "year", "session", "category"], name="item_facets_idx"),
            # The office's dashboard counts a district and year's items by stage, overdue and key items from
            # this index alone (an index-only scan: no visit of the rows, whatever their number).
            models.Index(
                fields=["district", "year", "body", "state"],
                include=["round", "is_key", "next_due_on", "supervising_leader", "id"],
                name="item_stage_idx",
            ),
            # What waits on whom in a district and year (dashboards, "waits for" filters).
            models.Index(fields=["district", "year", "office_waiting_on", "office_waits_for"], name="item_waits_idx"),
            # The review's merge hints: similar titles by trigram similarity (PostgreSQL only, see 0003).
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="item_title_trgm_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class ItemProposer(models.Model):
    """A proposer of an item: the lead (or the group) and co-signers, in printed order."""

    item = models.ForeignKey(Item, models.PROTECT, related_name="item_proposers", verbose_name=_("item"))
    proposer = models.ForeignKey(Proposer, models.PROTECT, related_name="item_links", verbose_name=_("proposer"))
    is_lead = models.BooleanField(_("lead proposer"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["item", "sort_order"]
        verbose_name = _("item proposer")
        verbose_name_plural = _("item proposers")
        constraints = [
            models.UniqueConstraint(fields=["item", "proposer"], name="item_proposer_unique"),
            models.UniqueConstraint(fields=["item"], condition=Q(is_lead=True), name="item_one_lead_proposer"),
        ]

    def __str__(self):
        return f"{self.item_id} · {self.proposer}"


class _NoURLStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("attachments have no public URL; link to items:attachment instead")


class PrivateStorage(LazyObject):
    """Attachment storage outside the web root: no URL, served only through a checked view."""

    def _setup(self):
        self._wrapped = _NoURLStorage(location=settings.PRIVATE_MEDIA_ROOT)


private_storage = PrivateStorage()


@receiver(setting_changed)
def _private_root_moved(*, setting, **kwargs):
    """A test (or a settings override) moving PRIVATE_MEDIA_ROOT moves where attachments go, as for MEDIA_ROOT."""
    if setting == "PRIVATE_MEDIA_ROOT":
        private_storage._wrapped = empty


def get_private_storage():
    """The field's storage as a callable, so migrations name it instead of freezing a local path."""
    return private_storage


def attachment_path(instance, filename):
    return f"items/{instance.item.district_id}/{instance.item_id}/{filename}"


class Attachment(models.Model):
    """A file of an item: its text, a reply document, a scanned consultation or feedback form."""

    class Purpose(models.TextChoices):
        ITEM = "item", _("Item text")
        REPLY = "reply", _("Reply document")
        CONSULTATION_FORM = "consultation_form", _("Consultation record")
        FEEDBACK_FORM = "feedback_form", _("Feedback form")
        OTHER = "other", _("Other")

    item = models.ForeignKey(Item, models.PROTECT, related_name="attachments", verbose_name=_("item"))
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices, default=Purpose.ITEM)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=get_private_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["item", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty")]

    def __str__(self):
        return self.original_name
