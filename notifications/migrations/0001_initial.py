"""The notification models move here from the workflow app: state only, the tables keep their names."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ('notification', 'notificationpreference')


def _move(apps, source, target):
    """Content types follow the models, so permissions and admin log entries keep pointing at them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def move_content_types(apps, schema_editor):
    _move(apps, "workflow", "notifications")


def move_content_types_back(apps, schema_editor):
    _move(apps, "notifications", "workflow")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('workflow', '0005_notification_resend_permission'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('proposals', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
                migrations.CreateModel(
                    name='NotificationPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.BooleanField(default=True, verbose_name='email')),
                        ('sms', models.BooleanField(default=True, verbose_name='SMS')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preference', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'notification preference',
                        'verbose_name_plural': 'notification preferences',
                        'db_table': 'workflow_notificationpreference',
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('in_app', 'In the application'), ('email', 'Email'), ('sms', 'SMS')], max_length=10, verbose_name='channel')),
                        ('kind', models.CharField(choices=[('before_due', 'Due soon'), ('due_today', 'Due today'), ('overdue', 'Overdue'), ('escalation_head', 'Overdue: escalated to the unit head'), ('escalation_office', 'Overdue key item: escalated to the office and leader'), ('reply_arrived', 'A reply waits for your rating'), ('unit_message', 'A message from the unit'), ('proposer_message', 'A message from the proposer'), ('office_digest', 'Daily digest of newly overdue items'), ('weekly_summary', 'Weekly summary per unit')], max_length=20, verbose_name='kind')),
                        ('due_on', models.DateField(help_text="The obligation's due date, or the day of a digest or an event.", verbose_name='for the date')),
                        ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                        ('state', models.CharField(choices=[('pending', 'Waiting to be sent'), ('held', 'Held until the morning or a retry'), ('sending', 'Being sent'), ('sent', 'Sent'), ('failed', 'Failed'), ('delivery_unknown', 'Delivery unknown (the sender stopped mid-send)'), ('skipped', 'Not sent: no longer due')], default='pending', max_length=20, verbose_name='state')),
                        ('scheduled_for', models.DateTimeField(help_text='Held messages wait until this time.', verbose_name='not before')),
                        ('enqueued_at', models.DateTimeField(blank=True, null=True, verbose_name='handed to a worker at')),
                        ('claimed_by', models.CharField(blank=True, max_length=64, verbose_name='claimed by task')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='claimed at')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('error', models.TextField(blank=True, verbose_name='last error')),
                        ('created_at', models.DateTimeField(verbose_name='created at')),
                        ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to='workflow.event', verbose_name='event')),
                        ('item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to='proposals.item', verbose_name='item')),
                        ('obligation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to='workflow.obligation', verbose_name='obligation')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'db_table': 'workflow_notification',
                        'ordering': ['-created_at', '-pk'],
                        'permissions': [('resend_notification', 'Can resend a notification on purpose')],
                        'indexes': [models.Index(condition=models.Q(('state__in', ['pending', 'held'])), fields=['scheduled_for'], name='notification_to_send_idx'), models.Index(condition=models.Q(('channel', 'in_app')), fields=['recipient', '-created_at'], name='notification_bell_idx'), models.Index(fields=['state', 'created_at'], name='notification_state_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('obligation__isnull', False)), fields=('obligation', 'kind', 'recipient', 'due_on', 'channel'), name='notification_once_per_obligation'), models.UniqueConstraint(condition=models.Q(('event__isnull', False)), fields=('event', 'kind', 'recipient', 'channel'), name='notification_once_per_event'), models.UniqueConstraint(condition=models.Q(('event__isnull', True), ('obligation__isnull', True)), fields=('kind', 'recipient', 'due_on', 'channel'), name='notification_once_per_digest'), models.CheckConstraint(condition=models.Q(models.Q(('state', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='notification_sent_has_time')],
                    },
                ),
        ]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
