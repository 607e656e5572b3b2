from django.db import migrations, models


class Migration(migrations.Migration):
    """The office's dashboard counts a district and year's items from this index alone (index-only scans)."""

    dependencies = [
        ("proposals", "0004_item_list_facts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                fields=["district", "year", "body", "state"],
                include=("round", "is_key", "next_due_on", "supervising_leader", "id"),
                name="item_stage_idx",
            ),
        ),
    ]
