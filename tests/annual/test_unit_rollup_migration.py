"""The district-years rolled up before the per-unit rollup came get their units' facts and counts on migrate.

reports/0004 builds them with its own SQL (`reports.unit_rollup` as it stood then): here an item led
by one unit and co-handled by another, replied and rated, in a district-year the yearly rollup held,
and one in a year it didn't; after the migration the stored facts are the live definition's and the
unit figures answer from them, equal to the tables'.
"""

import datetime as dt

import pytest
from django.db import connection

from tests.migrations.test_move_keeps_rows import migrate

BEFORE = [
    ("reports", "0003_outreach_fact"),
    ("proposals", "0006_item_list_indexes"),
    ("workflow", "0014_assignment_item_next_due"),
    ("districts", "0002_separated_duties"),
]
AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_builds_the_units_facts_of_the_rolled_up_years():
    try:
        old = migrate(BEFORE)
        district = old.get_model("districts", "District").objects.create(code="ur", name="单位汇总区")
        lead_unit = old.get_model("districts", "HandlingUnit").objects.create(district=district, name="主办局")
        co_unit = old.get_model("districts", "HandlingUnit").objects.create(district=district, name="会办局")
        proposer = old.get_model("districts", "Proposer").objects.create(district=district, body="cppcc", name="委员")
        Assignment = old.get_model("workflow", "Assignment")
        category = old.get_model("workflow", "OutcomeCategory").objects.order_by("pk").first()
        rating = old.get_model("workflow", "RatingValue").objects.order_by("pk").first()
        old.get_model("reports", "RolledUpYear").objects.create(district=district, year=2026, body="cppcc")

        def item(number, year=2026):
            return old.get_model("proposals", "Item").objects.create(
                district=district, year=year, body="cppcc", kind="proposal", number=number, title=number,
                state="handling", review="registered",
            )  # fmt: skip

        for it in (item("1"), item("2", year=2025)):
            lead = Assignment.objects.create(item=it, unit=lead_unit, role="lead", state="done", assigned_at=AT)
            Assignment.objects.create(item=it, unit=co_unit, role="co", state="done", assigned_at=AT)
            old.get_model("workflow", "Reply").objects.create(
                assignment=lead, round=1, kind="reply", state="sent", text="答复", category=category,
                category_at_reply=category, sent_at=AT + dt.timedelta(days=1),
            )  # fmt: skip
            old.get_model("workflow", "Feedback").objects.create(
                item=it, proposer=proposer, rating=rating, agrees=False, submitted_at=AT + dt.timedelta(days=5)
            )
        migrate()  # forward: the units' facts are built for 2026, which the yearly rollup held
        from districts.models import District
        from reports import unit_rollup, units
        from reports.models import UnitFactCount, UnitFacts
        from workflow.defaults import ensure_body_settings

        sql, params = unit_rollup.facts_sql("i.district_id = %(d)s", {"d": district.pk})
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            derived = sorted(tuple(row) for row in cursor.fetchall() if row[2] == 2026)
        stored = sorted(
            UnitFacts.objects.filter(district_id=district.pk).values_list(
                "item", "district", "year", "body", "kind", "unit", "measure", "value", "n"
            )
        )
        assert stored == derived
        assert {(f[5], f[6]) for f in stored} == {
            (lead_unit.pk, "led"), (co_unit.pk, "co"), (lead_unit.pk, "outcome"), (lead_unit.pk, "rating"),
            (lead_unit.pk, "disagreement"), (-1, "month"),
        }  # fmt: skip
        assert UnitFactCount.objects.filter(district_id=district.pk, year=2026).count() == len(stored)
        assert not UnitFactCount.objects.filter(district_id=district.pk, year=2025).exists()
        current = District.objects.get(pk=district.pk)
        ensure_body_settings(current)
        kw = {"district": current, "year": 2026, "body": "cppcc", "as_of": dt.date(2026, 12, 31)}
        shown = units.unit_statistics(**kw)
        assert shown.source == "rollup" and shown.rows == units.unit_statistics_from_tables(**kw).rows
        assert {str(r.unit.name): (r.led, r.co, r.disagreements) for r in shown.rows if r.led or r.co} == {
            "主办局": (1, 0, 1),
            "会办局": (0, 1, 0),
        }
    finally:
        migrate()
