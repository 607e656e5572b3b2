from django.db import migrations

from workflow.defaults import install_defaults


def forwards(apps, schema_editor):
    install_defaults(
        apps.get_model("workflow", "OutcomeScheme"),
        apps.get_model("workflow", "OutcomeCategory"),
        apps.get_model("workflow", "RatingScale"),
        apps.get_model("workflow", "RatingValue"),
    )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
