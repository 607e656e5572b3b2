"""Monthly partitions (UTC months) of the audit table on PostgreSQL: create months ahead, drop months past retention.

Rows are never deleted one by one (a trigger refuses it): a month leaves the log only by
dropping its whole partition, once every row in it is older than AUDIT_RETENTION_DAYS (at
least 184, the six months the Cybersecurity Law asks for). Each drop is itself logged. On
SQLite the table is plain and both functions do nothing.
"""

import datetime
import re

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .log import record
from .models import Action, AuditEntry

TABLE = AuditEntry._meta.db_table
MONTHS_AHEAD = 3
MINIMUM_RETENTION_DAYS = 184
_NAME = re.compile(rf"^{TABLE}_p(\d{{4}})(\d{{2}})$")


def month_start(day, months=0):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def partition_sql(start):
    """The statement creating the partition of the month beginning `start`, if missing."""
    end = month_start(start, 1)
    return (
        f"CREATE TABLE IF NOT EXISTS {TABLE}_p{start:%Y%m} PARTITION OF {TABLE} "
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )


def _utc_date(now):
    return (now or timezone.now()).astimezone(datetime.UTC).date()


def partitioned():
    return connection.vendor == "postgresql"


def existing():
    """The months that have a partition, oldest first."""
    if not partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    months = [datetime.date(int(m[1]), int(m[2]), 1) for m in map(_NAME.match, names) if m]
    return sorted(months)


def create_ahead(now=None, months=MONTHS_AHEAD):
    """Create the partitions of this month and the `months` after it; returns the months created."""
    if not partitioned():
        return []
    today = _utc_date(now)
    have = set(existing())
    wanted = [month_start(today, n) for n in range(months + 1)]
    with connection.cursor() as cursor:
        for start in wanted:
            if start not in have:
                cursor.execute(partition_sql(start))
    return [start for start in wanted if start not in have]


def retention_days():
    days = settings.AUDIT_RETENTION_DAYS
    if days < MINIMUM_RETENTION_DAYS:
        raise ValueError(f"AUDIT_RETENTION_DAYS={days} is below the minimum of {MINIMUM_RETENTION_DAYS} days")
    return days


def purge(now=None):
    """Drop every monthly partition whose rows are all older than the retention; returns the months dropped."""
    if not partitioned():
        return []
    cutoff = _utc_date(now) - datetime.timedelta(days=retention_days())
    dropped = [start for start in existing() if month_start(start, 1) <= cutoff]
    with transaction.atomic():
        with connection.cursor() as cursor:
            for start in dropped:
                cursor.execute(f"DROP TABLE {TABLE}_p{start:%Y%m}")
        if dropped:
            record(
                action=Action.PURGED,
                months=[f"{start:%Y-%m}" for start in dropped],
                retention_days=retention_days(),
                before=cutoff.isoformat(),
            )
    return dropped
