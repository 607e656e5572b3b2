"""Each assignment keeps a copy of its item's next due date, for the unit's list (issue #14).

Filled from the items' stored date in one portable UPDATE (SQLite and PostgreSQL); from now on
the workflow keeps it (`workflow.progress.store_list_facts`, `workflow.obligations.store_next_due`).
"""

from django.conf import settings
from django.db import migrations, models

FILL = """
UPDATE workflow_assignment SET item_next_due_on = (
    SELECT i.next_due_on FROM proposals_item i WHERE i.id = workflow_assignment.item_id
)
WHERE item_id IN (SELECT id FROM proposals_item WHERE next_due_on IS NOT NULL)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0002_separated_duties"),
        ("proposals", "0006_item_list_indexes"),
        ("workflow", "0013_disclosure_files"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="item_next_due_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="item's next due on"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=True),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(("state__in", ["pending", "accepted", "done"])),
                fields=["unit", "item_next_due_on", "item"],
                name="assignment_unit_due_idx",
            ),
        ),
    ]
