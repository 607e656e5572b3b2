# A unit's open obligations by due date: its inbox (web/units/inbox) reads them whatever its history.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0001_initial"),
        ("proposals", "0005_item_stage_idx"),
        ("workflow", "0009_fill_item_list_facts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(
                condition=models.Q(("cancelled_at__isnull", True), ("fulfilled_at__isnull", True)),
                fields=["unit", "due_on"],
                name="obligation_unit_open_idx",
            ),
        ),
    ]
