"""Replies published before the portal had its index: written into it once, as publishing does now."""

from django.db import migrations


def fill(apps, schema_editor):
    from portal.index import reindex

    reindex(apps.get_model("portal", "PublishedReply"), apps.get_model("workflow", "Reply"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
