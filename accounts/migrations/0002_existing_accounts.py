"""Accounts that existed before the password rules: their passwords count as set today.

So the maximum age starts now for everyone, and nobody is forced to change at once.
"""

from django.db import migrations
from django.utils import timezone


def stamp(apps, schema_editor):
    User = apps.get_model("districts", "User")
    AccountState = apps.get_model("accounts", "AccountState")
    now = timezone.now()
    AccountState.objects.bulk_create(
        [AccountState(user_id=pk, password_changed_at=now) for pk in User.objects.values_list("pk", flat=True)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("districts", "0001_initial")]

    operations = [migrations.RunPython(stamp, migrations.RunPython.noop)]
