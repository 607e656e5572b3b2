"""The yearly rollup: each item's report facts, and how many items of a district-year share them.

The yearly report groups a district-year's items by a tuple of per-item facts
(`reports.annual.FACTS`: category, key item, registered, closed, replied, published, outcome,
outcome at reply, praised, rating, handed in from residents' messages) and adds the groups up.
The rollup keeps that grouping stored: `ItemFacts` holds every item's current tuple, `FactCount` how many items of a
district, year, body and kind have each tuple, and `RolledUpYear` marks a district, year and
body whose items are all in it. `reports.rollup` keeps them exact in the transaction that
changes an item; a fact that is NULL in the report's query is stored as `NONE` (-1), so the
counts can have a plain uniqueness constraint.

The per-unit rollup (`reports.unit_rollup`) beside it keeps what `reports.units` counts per unit:
`UnitFacts` holds each registered item's facts per unit as (unit, measure, value, n) rows (an item
led by a unit: `led` 1; its current outcome: `outcome` and the category's id; one row per month in
which it had a first lead reply: `month` YYYYMM under unit `NONE`…), `UnitFactCount` their sums per
district, year, body and kind. They are kept with the yearly rollup, by the same calls, and marked
rolled up by the same `RolledUpYear`.
"""

from django.db import models

from districts.models import District
from proposals.models import Item

NONE = -1  # a NULL fact (no category, not replied, no rating, …)
FACT_FIELDS = (
    "category",
    "is_key",
    "registered",
    "closed",
    "replied",
    "published",
    "outcome",
    "first_outcome",
    "praised",
    "rating",
    "outreach",
)


class Facts(models.Model):
    """The report facts of `reports.annual.FACTS`, in that order, as integers (`NONE` for NULL)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    body = models.CharField(max_length=8)
    kind = models.CharField(max_length=24)
    category = models.IntegerField()  # the category's id
    is_key = models.SmallIntegerField()
    registered = models.SmallIntegerField()
    closed = models.SmallIntegerField()
    replied = models.SmallIntegerField()
    published = models.SmallIntegerField()
    outcome = models.IntegerField()  # the outcome category's sort order
    first_outcome = models.IntegerField()
    praised = models.SmallIntegerField()
    rating = models.IntegerField()  # the rating value's sort order
    outreach = models.SmallIntegerField(default=0)  # handed in from residents' 码上约 messages

    class Meta:
        abstract = True


class ItemFacts(Facts):
    """One item's facts as they stand now (as of no date)."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, primary_key=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["district", "year", "body"], name="itemfacts_year_idx")]

    def __str__(self):
        return f"facts of item {self.item_id}"


class FactCount(Facts):
    """How many items of a district, year, body and kind have these facts now (0 once all moved on)."""

    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "body", "kind", *FACT_FIELDS], name="factcount_unique"),
            models.CheckConstraint(condition=models.Q(n__gte=0), name="factcount_not_negative"),
        ]

    def __str__(self):
        return f"{self.district_id} {self.year} {self.body} {self.kind}: {self.n}"


class RolledUpYear(models.Model):
    """A district, year and body whose items are all in the rollup.

    `latest_at` is the latest time any of its items' facts depend on (a reply sent or
    published, feedback given, a category converted, the item closed), never lowered: the
    rollup's tuples are the facts "now", which are the facts as of a date only if nothing
    about the items happened at or after that date's end.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    body = models.CharField(max_length=8)
    latest_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "year", "body"], name="rolledupyear_unique")]

    def __str__(self):
        return f"{self.district_id} {self.year} {self.body}"


class UnitFacts(models.Model):
    """One registered item's per-unit facts now, one row per measure (`reports.unit_rollup.MEASURES`).

    `unit` is the unit's id, or `NONE` for a fact of the item itself (the months of its first lead
    replies); `value` the measure's value (an outcome category's or rating value's id, a month as
    YYYYMM, else 0); `n` what it adds to the unit's figure (1, or a count: returned assignments,
    obligations met on time or late).
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    body = models.CharField(max_length=8)
    kind = models.CharField(max_length=24)
    unit = models.IntegerField()
    measure = models.CharField(max_length=24)
    value = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["district", "year", "body"], name="unitfacts_year_idx")]

    def __str__(self):
        return f"{self.item_id} unit {self.unit} {self.measure} {self.value}: {self.n}"


class UnitFactCount(models.Model):
    """The sum of `UnitFacts.n` over a district, year, body and kind's items, per unit, measure and value."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    body = models.CharField(max_length=8)
    kind = models.CharField(max_length=24)
    unit = models.IntegerField()
    measure = models.CharField(max_length=24)
    value = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "body", "kind", "unit", "measure", "value"], name="unitfactcount_unique"
            ),
            models.CheckConstraint(condition=models.Q(n__gte=0), name="unitfactcount_not_negative"),
        ]

    def __str__(self):
        return f"{self.district_id} {self.year} {self.body} {self.kind} unit {self.unit} {self.measure}: {self.n}"
