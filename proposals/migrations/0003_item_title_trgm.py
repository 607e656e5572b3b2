"""A trigram index on item titles for the review's merge hints (web/office/intake/similar.py).

pg_trgm and a GIN index are PostgreSQL's: on SQLite (development, the default test database)
both operations change Django's state only, and the hints fall back to shared character pairs.
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class TrigramExtensionOnPostgres(TrigramExtension):
    """pg_trgm; Django's operation skips other databases going forwards but not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexOnPostgres(migrations.AddIndex):
    """AddIndex that builds the index on PostgreSQL only (a GIN index is unknown to SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_item_next_due_on"),
    ]

    operations = [
        TrigramExtensionOnPostgres(),
        AddIndexOnPostgres(
            model_name="item",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["title"], name="item_title_trgm_idx", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
