"""Build the yearly rollup for the items that exist (the services keep it from then on).

This is `reports.rollup.rebuild` as it stood when the rollup came — the yearly report's item
query (`reports.annual.facts_sql`) for every item as of no date, the counts grouped from those
facts, and each district-year's latest time — written out as SQL here, so that a later change to
the live rollup (new facts, new counts) does not change what this migration does. Portable SQL
(PostgreSQL, and SQLite ≥ 3.28 for the tests), against the tables as they are at this migration.
"""

import datetime as dt

from django.db import migrations

# "As of" no date: 9000-01-01 in the site's time zone (UTC+8), later than any time a fact depends on.
FOREVER = dt.datetime(8999, 12, 31, 16, tzinfo=dt.UTC)

# The rollup's columns are the group (district, year, body, kind), then the facts in the report's order.
FACTS = """
INSERT INTO reports_itemfacts (item_id, district_id, year, body, kind,
    category, is_key, registered, closed, replied, published, outcome, first_outcome, praised, rating)
WITH conversions AS (
    -- Conversions after the date are undone: per reply, the earliest one's `converted_from`.
    SELECT f.reply_id, c.sort_order, ROW_NUMBER() OVER (PARTITION BY f.reply_id ORDER BY f.reported_at, f.id) AS n
    FROM workflow_followup f JOIN workflow_outcomecategory c ON c.id = f.converted_from_id
    WHERE f.reported_at >= %(end)s
), lead_replies AS (
    -- Each lead's replies in one pass, sent ones first in the order sent: the first sent (its
    -- category at reply), the latest sent of kind "reply" (whose running count of such replies
    -- reaches the lead's total; its category as of the date is the outcome), any published.
    SELECT a.item_id, a.id AS assignment_id,
        CASE WHEN r.sent_at < %(end)s AND r.kind = %(reply)s THEN 1 ELSE 0 END AS is_reply,
        COALESCE(cv.sort_order, c.sort_order) AS outcome,
        FIRST_VALUE(CASE WHEN r.sent_at < %(end)s THEN fc.sort_order END) OVER sent AS first_outcome,
        SUM(CASE WHEN r.sent_at < %(end)s AND r.kind = %(reply)s THEN 1 ELSE 0 END) OVER sent AS replies_so_far,
        SUM(CASE WHEN r.sent_at < %(end)s AND r.kind = %(reply)s THEN 1 ELSE 0 END) OVER lead AS replies,
        MAX(CASE WHEN r.published_at < %(end)s THEN 1 ELSE 0 END) OVER lead AS published
    FROM workflow_assignment a JOIN proposals_item i ON i.id = a.item_id
    LEFT JOIN workflow_reply r ON r.assignment_id = a.id
    LEFT JOIN workflow_outcomecategory c ON c.id = r.category_id
    LEFT JOIN workflow_outcomecategory fc ON fc.id = r.category_at_reply_id
    LEFT JOIN conversions cv ON cv.reply_id = r.id AND cv.n = 1
    WHERE a.role IN (%(role0)s, %(role1)s) AND a.state <> %(returned)s
    WINDOW lead AS (PARTITION BY a.item_id, a.id),
        sent AS (lead ORDER BY CASE WHEN r.sent_at < %(end)s THEN 0 ELSE 1 END, r.sent_at, r.id)
), leads AS (
    -- Per item: every lead replied, one published, the least resolved outcome (each lead's latest
    -- reply of kind "reply") and the same at first reply. Aggregates over all the rows rather than
    -- a filter on the window's figures, which the planner cannot estimate.
    SELECT item_id,
        MIN(CASE WHEN replies > 0 THEN 1 ELSE 0 END) AS replied,
        MAX(published) AS published,
        MAX(CASE WHEN is_reply = 1 AND replies_so_far = replies THEN outcome END) AS outcome,
        MAX(first_outcome) AS first_outcome
    FROM lead_replies
    GROUP BY item_id
), feedback AS (
    -- Per item: any praise, and the rating that counts: the first in `latest_rating`'s order.
    SELECT item_id, MAX(praised) AS praised, MAX(rating) AS rating
    FROM (
        SELECT f.item_id, CASE WHEN f.praised THEN 1 ELSE 0 END AS praised,
            FIRST_VALUE(rv.sort_order) OVER (
                PARTITION BY f.item_id
                ORDER BY f.round DESC, CASE WHEN f.rating_id IS NULL THEN 1 ELSE 0 END, f.submitted_at DESC, f.id DESC
            ) AS rating
        FROM workflow_feedback f JOIN proposals_item i ON i.id = f.item_id
        LEFT JOIN workflow_ratingvalue rv ON rv.id = f.rating_id
        WHERE f.submitted_at < %(end)s
    ) AS f
    GROUP BY item_id
)
SELECT i.id, i.district_id, i.year, i.body, i.kind,
    COALESCE(CAST(i.category_id AS INTEGER), -1),
    COALESCE(CAST(i.is_key AS INTEGER), -1),
    COALESCE(CAST(CASE WHEN i.review = %(registered)s THEN 1 ELSE 0 END AS INTEGER), -1),
    COALESCE(CAST(CASE WHEN i.closed_at < %(end)s THEN 1 ELSE 0 END AS INTEGER), -1),
    COALESCE(CAST(l.replied AS INTEGER), -1),
    COALESCE(CAST(l.published AS INTEGER), -1),
    COALESCE(CAST(l.outcome AS INTEGER), -1),
    COALESCE(CAST(l.first_outcome AS INTEGER), -1),
    COALESCE(CAST(fb.praised AS INTEGER), -1),
    COALESCE(CAST(fb.rating AS INTEGER), -1)
FROM proposals_item i
LEFT JOIN leads l ON l.item_id = i.id
LEFT JOIN feedback fb ON fb.item_id = i.id
"""

COUNTS = """
INSERT INTO reports_factcount (district_id, year, body, kind,
    category, is_key, registered, closed, replied, published, outcome, first_outcome, praised, rating, n)
SELECT district_id, year, body, kind,
    category, is_key, registered, closed, replied, published, outcome, first_outcome, praised, rating, COUNT(*)
FROM reports_itemfacts
GROUP BY district_id, year, body, kind,
    category, is_key, registered, closed, replied, published, outcome, first_outcome, praised, rating
"""

# Every district-year's latest time its items' facts depend on (the table is empty: one row each).
LATEST = """
INSERT INTO reports_rolledupyear (district_id, year, body, latest_at)
SELECT district_id, year, body, MAX(at) FROM (
    SELECT i.district_id, i.year, i.body, i.closed_at AS at FROM proposals_item i
    UNION ALL SELECT i.district_id, i.year, i.body, r.sent_at
    FROM proposals_item i JOIN workflow_assignment a ON a.item_id = i.id JOIN workflow_reply r ON r.assignment_id = a.id
    UNION ALL SELECT i.district_id, i.year, i.body, r.published_at
    FROM proposals_item i JOIN workflow_assignment a ON a.item_id = i.id JOIN workflow_reply r ON r.assignment_id = a.id
    UNION ALL SELECT i.district_id, i.year, i.body, f.submitted_at
    FROM proposals_item i JOIN workflow_feedback f ON f.item_id = i.id
    UNION ALL SELECT i.district_id, i.year, i.body, f.reported_at
    FROM proposals_item i JOIN workflow_followup f ON f.item_id = i.id WHERE f.converted_from_id IS NOT NULL
) t
GROUP BY district_id, year, body
"""


def build(apps, schema_editor):
    connection = schema_editor.connection
    params = {
        "end": connection.ops.adapt_datetimefield_value(FOREVER),
        "reply": "reply",
        "returned": "returned",
        "registered": "registered",
        "role0": "lead",
        "role1": "split_lead",
    }
    tables = ("reports_itemfacts", "reports_factcount", "reports_rolledupyear")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the services wait while it is built
            cursor.execute("LOCK TABLE {}, {}, {} IN EXCLUSIVE MODE".format(*tables))
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        cursor.execute(FACTS, params)
        cursor.execute(LATEST)
        cursor.execute(COUNTS)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("proposals", "0003_item_title_trgm"),
        ("workflow", "0008_reply_public_attachments"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
