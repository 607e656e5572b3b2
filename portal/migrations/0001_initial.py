"""The portal's index of published replies; its GIN index of character pairs on PostgreSQL only.

A GIN index is unknown to SQLite (development, the default test database): there the operation
changes Django's state only, and the search falls back to `document` (`portal.search`).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class AddIndexOnPostgres(migrations.AddIndex):
    """AddIndex that builds the index on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('districts', '0001_initial'),
        ('proposals', '0005_item_stage_idx'),
        ('workflow', '0012_city_opinion_approval'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublishedReply',
            fields=[
                ('reply', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='workflow.reply', verbose_name='reply')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('body', models.CharField(choices=[('npc', "People's Congress"), ('cppcc', 'CPPCC')], max_length=10, verbose_name='body')),
                ('published_at', models.DateTimeField(verbose_name='published at')),
                ('document', models.TextField(verbose_name='searchable text')),
                ('pairs', django.contrib.postgres.search.SearchVectorField(null=True, verbose_name='character pairs')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='proposals.category', verbose_name='category')),
                ('district', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='districts.district', verbose_name='district')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='proposals.item', verbose_name='item')),
                ('session', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='proposals.session', verbose_name='session')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='districts.handlingunit', verbose_name='handling unit')),
            ],
            options={
                'verbose_name': 'published reply',
                'verbose_name_plural': 'published replies',
                'ordering': ['-published_at', '-reply_id'],
                'indexes': [models.Index(fields=['district', 'year', '-published_at'], name='portal_district_year_idx'), models.Index(fields=['-published_at'], name='portal_published_idx')],
            },
        ),
        AddIndexOnPostgres(
            model_name="publishedreply",
            index=django.contrib.postgres.indexes.GinIndex(fields=["pairs"], name="portal_pairs_gin"),
        ),
    ]
