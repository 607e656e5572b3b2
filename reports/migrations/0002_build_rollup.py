"""Build the yearly rollup for the items that exist (the services keep it from then on)."""

from django.db import migrations


def build(apps, schema_editor):
    # The report's own query (reports.annual.facts_sql) is the one definition of an item's facts,
    # so this runs the current code, against the tables as they are at this migration.
    from reports.rollup import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("proposals", "0003_item_title_trgm"),
        ("workflow", "0008_reply_public_attachments"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
