"""What the public may read: the index of published replies, one row per reply on the portal.

Rows are written by `portal.index` in the transaction that publishes, unpublishes or corrects
(`portal.receivers`), so the portal's lists and search read one table: the filters are its
columns, and the words are `pairs`, the published title and reply cut into overlapping
character pairs (a tsvector with a GIN index on PostgreSQL, see `portal.search`).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.models import Body, District, HandlingUnit
from proposals.models import Category, Item, Session
from workflow.models import Reply


class PublishedReply(models.Model):
    """A published reply of an item whose proposer consented to publication, as the portal finds it."""

    reply = models.OneToOneField(Reply, models.CASCADE, primary_key=True, related_name="+", verbose_name=_("reply"))
    item = models.ForeignKey(Item, models.CASCADE, related_name="+", verbose_name=_("item"))
    district = models.ForeignKey(District, models.CASCADE, related_name="+", db_index=False, verbose_name=_("district"))
    year = models.PositiveSmallIntegerField(_("year"))
    body = models.CharField(_("body"), max_length=10, choices=Body.choices)
    session = models.ForeignKey(
        Session, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("session")
    )
    category = models.ForeignKey(
        Category, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    unit = models.ForeignKey(HandlingUnit, models.CASCADE, related_name="+", verbose_name=_("handling unit"))
    published_at = models.DateTimeField(_("published at"))
    # The title and the reply's text as published, lower-cased: what a search is checked against.
    document = models.TextField(_("searchable text"))
    # `document` as overlapping character pairs ('交通':1 '通拥':2 …): what the GIN index finds.
    pairs = SearchVectorField(_("character pairs"), null=True)

    class Meta:
        ordering = ["-published_at", "-reply_id"]
        verbose_name = _("published reply")
        verbose_name_plural = _("published replies")
        indexes = [
            # The yearly list of a district, newest first.
            models.Index(fields=["district", "year", "-published_at"], name="portal_district_year_idx"),
            models.Index(fields=["-published_at"], name="portal_published_idx"),
            # The years of every district (`portal.search.years`).
            models.Index(fields=["year"], name="portal_year_idx"),
            GinIndex(fields=["pairs"], name="portal_pairs_gin"),
        ]

    def __str__(self):
        return f"{self.item_id} · {self.reply_id}"
