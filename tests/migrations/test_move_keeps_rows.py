"""The calendar, the deadline policies and the notifications changed app without losing a row.

deadlines/0001 and notifications/0001 take the workflow's tables over (state only, same tables)
and rename the content types, so permissions follow; workflow/0006 drops the models from the
workflow's state. The test goes back to the layout before the move, writes rows through the
models of that time, goes forward again and reads every row through today's models.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from deadlines.models import CalendarYear, DeadlinePolicy, Holiday
from districts.models import User
from notifications.models import Notification, NotificationPreference

BEFORE_THE_MOVE = [
    ("workflow", "0005_notification_resend_permission"),
    ("deadlines", None),
    ("notifications", None),
]


def migrate(targets=None):
    """Migrate to `targets` (the leaf nodes when None); return the models of that state."""
    executor = MigrationExecutor(connection)
    if targets is None:
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection).loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_and_the_resend_permission_survive_the_move():
    now = timezone.now()
    try:
        old = migrate(BEFORE_THE_MOVE)
        for label, name in [("deadlines", "Holiday"), ("notifications", "Notification")]:
            with pytest.raises(LookupError):
                old.get_model(label, name)

        district = old.get_model("districts", "District").objects.create(code="mig", name="迁移区")
        user = old.get_model("districts", "User").objects.create(username="mover", full_name="迁移用户")

        holiday = old.get_model("workflow", "Holiday").objects.create(
            date=dt.date(1999, 10, 1), is_workday=False, name="国庆节"
        )
        old.get_model("workflow", "CalendarYear").objects.create(year=1999, source="test")
        policy = old.get_model("workflow", "DeadlinePolicy").objects.create(
            district=district, body="npc", kind="reply", amount=15, unit="working_days", start="assignment"
        )
        old.get_model("workflow", "HistoricalDeadlinePolicy").objects.create(
            id=policy.pk, district_id=district.pk, body="npc", kind="reply", amount=15, unit="working_days",
            start="assignment", history_date=now, history_type="+", history_user=user,
        )
        notification = old.get_model("workflow", "Notification").objects.create(
            recipient=user, channel="in_app", kind="overdue", due_on=dt.date(1999, 10, 8),
            params={"number": "1999-001"}, state="sent", scheduled_for=now, sent_at=now, created_at=now,
        )
        old.get_model("workflow", "NotificationPreference").objects.create(user=user, email=False, sms=True)

        old_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="workflow", model="notification"
        )
        resend, _ = old.get_model("auth", "Permission").objects.get_or_create(
            content_type=old_type, codename="resend_notification",
            defaults={"name": "Can resend a notification on purpose"},
        )
        user.user_permissions.add(resend)
    finally:
        migrate()

    assert Holiday.objects.get(pk=holiday.pk).name == "国庆节"
    assert CalendarYear.objects.get(year=1999).source == "test"
    moved_policy = DeadlinePolicy.objects.get(pk=policy.pk)
    assert (moved_policy.district.code, moved_policy.kind, moved_policy.amount) == ("mig", "reply", 15)
    assert moved_policy.history.get().history_user.username == "mover"

    moved = Notification.objects.get(pk=notification.pk)
    assert (moved.recipient.username, moved.kind, moved.state) == ("mover", "overdue", "sent")
    assert moved.params == {"number": "1999-001"}
    assert list(Notification.objects.filter(recipient__username="mover")) == [moved]
    assert NotificationPreference.objects.get(user__username="mover").email is False

    new_type = ContentType.objects.get_for_model(Notification)
    assert (new_type.pk, new_type.app_label) == (old_type.pk, "notifications")
    assert not ContentType.objects.filter(app_label="workflow", model__in=["notification", "notificationpreference"])
    assert ContentType.objects.get_for_model(Holiday).app_label == "deadlines"
    assert Permission.objects.get(pk=resend.pk).content_type == new_type

    mover = User.objects.get(username="mover")
    assert mover.has_perm("notifications.resend_notification")
    assert not mover.has_perm("workflow.resend_notification")
