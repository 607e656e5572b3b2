from django.db import migrations

from deadlines.calendar import package_schedule, package_source, store_schedule


def seed(apps, schema_editor):
    """Load the official holiday schedule for every year the chinesecalendar package knows."""
    store_schedule(
        package_schedule(),
        source=package_source(),
        holiday_model=apps.get_model("workflow", "Holiday"),
        year_model=apps.get_model("workflow", "CalendarYear"),
    )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0002_default_schemes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop, elidable=False)]
