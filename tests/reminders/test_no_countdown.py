"""No task is ever enqueued with a countdown or an ETA (Redis would redeliver it after its visibility timeout)."""

import datetime as dt
import re
from pathlib import Path
from unittest import mock

import pytest
from celery.app.task import Task

from notifications import delivery
from notifications.backends import SMSError
from notifications.models import Notification
from notifications.reminders import send_digests, sweep

from .conftest import RecordingSMSBackend, at

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["config", "districts", "proposals", "workflow", "reports"]
DELAYED = re.compile(r"\b(countdown|eta)\s*=|\.retry\(|retry_backoff|autoretry_for")


def test_no_source_file_asks_for_a_countdown_or_eta():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in SOURCES
        for path in (ROOT / package).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DELAYED.search(line)
    ]
    assert offenders == []


@pytest.mark.django_db
def test_a_full_sweep_and_delivery_run_enqueues_nothing_delayed(
    calendar_2026, item, handler, office, make_obligation, django_capture_on_commit_callbacks, clock
):
    make_obligation(item, due_on=dt.date(2026, 10, 9))
    calls = []
    original = Task.apply_async

    def spy(self, args=None, kwargs=None, **options):
        calls.append(options)
        return original(self, args, kwargs, **options)

    with mock.patch.object(Task, "apply_async", spy):
        for now in (at(dt.date(2026, 10, 9), 9), at(dt.date(2026, 10, 12), 22), at(dt.date(2026, 10, 13), 9)):
            clock(now)
            with django_capture_on_commit_callbacks(execute=True):
                sweep(now=now)
                send_digests(now=now)
                delivery.dispatch(now=now)
        # A failing gateway: the retry waits on the row, not in the broker.
        later = at(dt.date(2026, 10, 14), 9)
        clock(later)
        Notification.objects.filter(channel="sms").update(state="held", scheduled_for=later)
        with (
            mock.patch.object(RecordingSMSBackend, "send", side_effect=SMSError("down")),
            django_capture_on_commit_callbacks(execute=True),
        ):
            delivery.dispatch(now=later)
    assert calls, "the run enqueued nothing: the spy saw no task"
    assert [options for options in calls if {"countdown", "eta"} & set(options)] == []
    assert Notification.objects.filter(channel="sms", state="held").exists()
