"""Fill the items' stored list facts (what each waits for, on whom, its next due date) from their rows.

From now on the workflow keeps them (`workflow.progress.store_list_facts`). This runs that same
function, the one definition of the facts, over the existing items in batches of ids (each a
couple of set-based queries), so it works alike on SQLite and PostgreSQL and at a million items.
It reads only the columns the facts name: later fields of the live models don't matter here.
"""

from django.db import migrations

BATCH = 1000


def fill(apps, schema_editor):
    from workflow.progress import store_list_facts

    Item = apps.get_model("proposals", "Item")
    last = 0
    while True:
        ids = list(Item.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        store_list_facts(ids)
        last = ids[-1]


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_item_list_facts"),
        ("workflow", "0008_reply_public_attachments"),
    ]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
