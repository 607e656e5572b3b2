"""Items that existed before the yearly rollup get their facts, counts and latest time on migrate.

reports/0002 builds the rollup with its own SQL (the rebuild as it stood then), so a later change to
`reports.rollup` does not change it: here on an item waiting for review and a closed one with a
published reply and rated, praising feedback, written through the models of the time before the
rollup, and read back as the figures written out.
"""

import datetime as dt

import pytest

from .test_move_keeps_rows import migrate

BEFORE = [
    ("reports", "0001_initial"),
    ("proposals", "0003_item_title_trgm"),
    ("workflow", "0008_reply_public_attachments"),
]
AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
FACTS = ("category", "is_key", "registered", "closed", "replied", "published", "outcome", "first_outcome",
         "praised", "rating")  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_builds_each_items_facts_the_counts_and_the_latest_time():
    try:
        old = migrate(BEFORE)
        district = old.get_model("districts", "District").objects.create(code="ru", name="汇总区")
        unit = old.get_model("districts", "HandlingUnit").objects.create(district=district, name="汇总局")
        proposer = old.get_model("districts", "Proposer").objects.create(district=district, body="cppcc", name="委员")
        OldItem, Assignment = old.get_model("proposals", "Item"), old.get_model("workflow", "Assignment")
        category = old.get_model("workflow", "OutcomeCategory").objects.order_by("pk").first()
        rating = old.get_model("workflow", "RatingValue").objects.order_by("pk").first()

        def item(number, **more):
            return old.get_model("proposals", "Item").objects.create(
                district=district, year=2026, body="cppcc", kind="proposal", number=number, title=number, **more
            )

        item("1", state="received")
        done = item("2", state="closed", review="registered", is_key=True, closed_at=AT + dt.timedelta(days=9))
        lead = Assignment.objects.create(item=done, unit=unit, role="lead", state="done", assigned_at=AT)
        old.get_model("workflow", "Reply").objects.create(
            assignment=lead, round=1, kind="reply", state="sent", text="答复", category=category,
            category_at_reply=category, sent_at=AT + dt.timedelta(days=1), published_at=AT + dt.timedelta(days=2),
        )  # fmt: skip
        old.get_model("workflow", "Feedback").objects.create(
            item=done, proposer=proposer, rating=rating, praised=True, submitted_at=AT + dt.timedelta(days=5)
        )
        assert OldItem.objects.filter(district=district).count() == 2
        migrate()  # forward: the rollup is built
        from reports.models import FactCount, ItemFacts, RolledUpYear

        facts = {
            row.pop("item__number"): tuple(row[f] for f in FACTS)
            for row in ItemFacts.objects.filter(district_id=district.pk).values("item__number", *FACTS)
        }
        assert facts == {
            "1": (-1, 0, 0, 0, -1, -1, -1, -1, -1, -1),
            "2": (-1, 1, 1, 1, 1, 1, category.sort_order, category.sort_order, 1, rating.sort_order),
        }
        counts = {
            tuple(c[f] for f in FACTS): c["n"] for c in FactCount.objects.filter(district_id=district.pk).values()
        }
        assert counts == {facts["1"]: 1, facts["2"]: 1}
        latest = RolledUpYear.objects.get(district_id=district.pk, year=2026, body="cppcc").latest_at
        assert latest == AT + dt.timedelta(days=9)
    finally:
        migrate()
