"""The calendar and deadline policy models move here from the workflow app: state only, the tables keep their names."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MODELS = ('holiday', 'calendaryear', 'deadlinepolicy', 'historicalholiday', 'historicalcalendaryear', 'historicaldeadlinepolicy')


def _move(apps, source, target):
    """Content types follow the models, so permissions and admin log entries keep pointing at them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def move_content_types(apps, schema_editor):
    _move(apps, "workflow", "deadlines")


def move_content_types_back(apps, schema_editor):
    _move(apps, "deadlines", "workflow")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('workflow', '0005_notification_resend_permission'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('districts', '0001_initial'),
        ('proposals', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
                migrations.CreateModel(
                    name='CalendarYear',
                    fields=[
                        ('year', models.PositiveSmallIntegerField(primary_key=True, serialize=False, verbose_name='year')),
                        ('source', models.CharField(blank=True, max_length=100, verbose_name='source')),
                        ('loaded_at', models.DateTimeField(auto_now=True, verbose_name='loaded at')),
                    ],
                    options={
                        'verbose_name': 'calendar year',
                        'verbose_name_plural': 'calendar years',
                        'db_table': 'workflow_calendaryear',
                        'ordering': ['year'],
                    },
                ),
                migrations.CreateModel(
                    name='Holiday',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(unique=True, verbose_name='date')),
                        ('is_workday', models.BooleanField(default=False, help_text='On for a weekend day that is worked (调休); off for a holiday.', verbose_name='make-up working day')),
                        ('name', models.CharField(blank=True, max_length=50, verbose_name='name')),
                    ],
                    options={
                        'verbose_name': 'calendar exception',
                        'verbose_name_plural': 'calendar exceptions',
                        'db_table': 'workflow_holiday',
                        'ordering': ['date'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalCalendarYear',
                    fields=[
                        ('year', models.PositiveSmallIntegerField(db_index=True, verbose_name='year')),
                        ('source', models.CharField(blank=True, max_length=100, verbose_name='source')),
                        ('loaded_at', models.DateTimeField(blank=True, editable=False, verbose_name='loaded at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical calendar year',
                        'verbose_name_plural': 'historical calendar years',
                        'db_table': 'workflow_historicalcalendaryear',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalDeadlinePolicy',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('body', models.CharField(blank=True, choices=[('npc', "People's Congress"), ('cppcc', 'CPPCC')], max_length=10, verbose_name='body')),
                        ('kind', models.CharField(choices=[('acceptance', 'Accept or return the assignment'), ('consultation', 'Consult the proposer'), ('co_opinion', 'Send the co-unit opinion'), ('reply', 'Reply'), ('extended_reply', 'Reply (extended)'), ('feedback', 'Give feedback on the reply'), ('rehandling_reply', 'Reply again after disagreement'), ('follow_up', 'Report follow-up progress')], max_length=20, verbose_name='obligation')),
                        ('amount', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='period')),
                        ('unit', models.CharField(blank=True, choices=[('working_days', 'working days'), ('calendar_days', 'calendar days'), ('months', 'calendar months')], max_length=20, verbose_name='unit')),
                        ('start', models.CharField(blank=True, choices=[('assignment', 'assignment'), ('acceptance', 'acceptance'), ('reply_sent', 'reply sent'), ('disagreement', 'disagreement'), ('previous_report', 'previous report')], max_length=20, verbose_name='counted from')),
                        ('fixed_date', models.DateField(blank=True, null=True, verbose_name='fixed due date')),
                        ('remind_before', models.PositiveSmallIntegerField(default=3, verbose_name='remind working days before')),
                        ('escalate_to_head_after', models.PositiveSmallIntegerField(default=3, verbose_name='escalate to unit head after working days overdue')),
                        ('escalate_to_office_after', models.PositiveSmallIntegerField(default=5, verbose_name='escalate key items to office and leader after working days overdue')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('district', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='districts.district', verbose_name='district')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('session', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='proposals.session', verbose_name='session')),
                    ],
                    options={
                        'verbose_name': 'historical deadline policy',
                        'verbose_name_plural': 'historical deadline policies',
                        'db_table': 'workflow_historicaldeadlinepolicy',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalHoliday',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('date', models.DateField(db_index=True, verbose_name='date')),
                        ('is_workday', models.BooleanField(default=False, help_text='On for a weekend day that is worked (调休); off for a holiday.', verbose_name='make-up working day')),
                        ('name', models.CharField(blank=True, max_length=50, verbose_name='name')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical calendar exception',
                        'verbose_name_plural': 'historical calendar exceptions',
                        'db_table': 'workflow_historicalholiday',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='DeadlinePolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('body', models.CharField(blank=True, choices=[('npc', "People's Congress"), ('cppcc', 'CPPCC')], max_length=10, verbose_name='body')),
                        ('kind', models.CharField(choices=[('acceptance', 'Accept or return the assignment'), ('consultation', 'Consult the proposer'), ('co_opinion', 'Send the co-unit opinion'), ('reply', 'Reply'), ('extended_reply', 'Reply (extended)'), ('feedback', 'Give feedback on the reply'), ('rehandling_reply', 'Reply again after disagreement'), ('follow_up', 'Report follow-up progress')], max_length=20, verbose_name='obligation')),
                        ('amount', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='period')),
                        ('unit', models.CharField(blank=True, choices=[('working_days', 'working days'), ('calendar_days', 'calendar days'), ('months', 'calendar months')], max_length=20, verbose_name='unit')),
                        ('start', models.CharField(blank=True, choices=[('assignment', 'assignment'), ('acceptance', 'acceptance'), ('reply_sent', 'reply sent'), ('disagreement', 'disagreement'), ('previous_report', 'previous report')], max_length=20, verbose_name='counted from')),
                        ('fixed_date', models.DateField(blank=True, null=True, verbose_name='fixed due date')),
                        ('remind_before', models.PositiveSmallIntegerField(default=3, verbose_name='remind working days before')),
                        ('escalate_to_head_after', models.PositiveSmallIntegerField(default=3, verbose_name='escalate to unit head after working days overdue')),
                        ('escalate_to_office_after', models.PositiveSmallIntegerField(default=5, verbose_name='escalate key items to office and leader after working days overdue')),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deadline_policies', to='districts.district', verbose_name='district')),
                        ('session', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deadline_policies', to='proposals.session', verbose_name='session')),
                    ],
                    options={
                        'verbose_name': 'deadline policy',
                        'verbose_name_plural': 'deadline policies',
                        'db_table': 'workflow_deadlinepolicy',
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('amount__isnull', False), ('fixed_date__isnull', True), models.Q(('unit', ''), _negated=True), models.Q(('start', ''), _negated=True)), models.Q(('amount__isnull', True), ('fixed_date__isnull', False), ('start', ''), ('unit', '')), _connector='OR'), name='policy_relative_xor_fixed'), models.CheckConstraint(condition=models.Q(('session__isnull', True), models.Q(('body', ''), _negated=True), _connector='OR'), name='policy_session_needs_body'), models.UniqueConstraint(condition=models.Q(('session__isnull', True)), fields=('district', 'body', 'kind'), name='policy_unique_per_body'), models.UniqueConstraint(condition=models.Q(('session__isnull', False)), fields=('district', 'body', 'session', 'kind'), name='policy_unique_per_session')],
                    },
                ),
        ]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
