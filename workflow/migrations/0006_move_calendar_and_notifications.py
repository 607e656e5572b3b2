"""The calendar, deadline policies and notifications now belong to the deadlines and notifications apps.

State only: their migrations take the same tables over first.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('deadlines', '0001_initial'),
        ('notifications', '0001_initial'),
        ('workflow', '0005_notification_resend_permission'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
                migrations.DeleteModel(
                    name='CalendarYear',
                ),
                migrations.RemoveField(
                    model_name='deadlinepolicy',
                    name='district',
                ),
                migrations.RemoveField(
                    model_name='deadlinepolicy',
                    name='session',
                ),
                migrations.RemoveField(
                    model_name='historicalcalendaryear',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicaldeadlinepolicy',
                    name='district',
                ),
                migrations.RemoveField(
                    model_name='historicaldeadlinepolicy',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicaldeadlinepolicy',
                    name='session',
                ),
                migrations.RemoveField(
                    model_name='historicalholiday',
                    name='history_user',
                ),
                migrations.DeleteModel(
                    name='Holiday',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='event',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='item',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='obligation',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='notificationpreference',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='DeadlinePolicy',
                ),
                migrations.DeleteModel(
                    name='HistoricalCalendarYear',
                ),
                migrations.DeleteModel(
                    name='HistoricalDeadlinePolicy',
                ),
                migrations.DeleteModel(
                    name='HistoricalHoliday',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.DeleteModel(
                    name='NotificationPreference',
                ),
        ]),
    ]
