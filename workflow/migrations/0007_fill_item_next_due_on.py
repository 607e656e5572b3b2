"""Fill the items' stored next due date from their open obligations (kept by workflow.obligations from now on)."""

from django.db import migrations
from django.db.models import Min, OuterRef, Subquery


def fill(apps, schema_editor):
    Item = apps.get_model("proposals", "Item")
    Obligation = apps.get_model("workflow", "Obligation")
    earliest = (
        Obligation.objects.filter(item=OuterRef("pk"), fulfilled_at__isnull=True, cancelled_at__isnull=True)
        .order_by()
        .values("item")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    Item.objects.update(next_due_on=Subquery(earliest))


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_item_next_due_on"),
        ("workflow", "0006_move_calendar_and_notifications"),
    ]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
