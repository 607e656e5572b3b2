"""The words: Chinese by default or the recipient's language, naming item, what is due, the date, a link."""

import datetime as dt

import pytest

from notifications.models import Notification
from notifications.reminders import send_digests, sweep
from notifications.texts import render

from .conftest import at

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 10, 9)


@pytest.fixture
def chinese(settings):
    """The site's language, Chinese, for recipients who have not chosen one (the committed catalogue)."""
    settings.LANGUAGE_CODE = "zh-hans"


def rendered(**filters):
    notification = Notification.objects.select_related("recipient", "item", "obligation__unit").get(
        channel="in_app", **filters
    )
    return render(notification)


def test_a_reminder_is_in_chinese_with_number_title_what_date_and_link(
    chinese, calendar_2026, item, handler, make_obligation
):
    make_obligation(item, due_on=DUE)
    sweep(now=at(DUE, 9))
    message = rendered(recipient=handler)
    assert message.body == (
        "今日到期：0042号《关于加强社区养老服务的建议》的“答复”今天（2026-10-09）到期。"
        f"https://jianyi.example.cn/items/{item.pk}/"
    )
    assert message.subject == "今日到期：0042 关于加强社区养老服务的建议"  # a Chinese colon in Chinese


def test_an_escalation_names_the_unit_and_the_days_overdue(
    chinese, calendar_2026, item, handler, head, make_obligation
):
    make_obligation(item, due_on=DUE)
    sweep(now=at(dt.date(2026, 10, 13), 9))
    body = rendered(recipient=head).body
    assert "督办提醒：区经委承办的0042号《关于加强社区养老服务的建议》" in body
    assert "超期3个工作日" in body


def test_the_recipients_language_wins(chinese, calendar_2026, item, handler, make_obligation):
    handler.language = "en"
    handler.save(update_fields=["language"])
    make_obligation(item, due_on=DUE)
    sweep(now=at(DUE, 9))
    body = rendered(recipient=handler).body
    assert body.startswith("Due today: Reply for item 0042 “关于加强社区养老服务的建议” (2026-10-09).")


def test_sms_carries_a_template_id_and_its_parameters(settings, calendar_2026, item, handler, make_obligation):
    settings.SMS_TEMPLATES = {"due_today": "SMS_228"}
    make_obligation(item, due_on=DUE)
    sweep(now=at(DUE, 9))
    notification = Notification.objects.select_related("recipient", "item", "obligation__unit").get(channel="sms")
    message = render(notification)
    assert message.sms_template == "SMS_228"
    assert message.sms_params["number"] == "0042"
    assert message.sms_params["due"] == "2026-10-09"
    assert len(message.sms_params["title"]) <= 20


def test_the_office_digest_lists_newly_overdue_items(chinese, calendar_2026, item, office, handler, make_obligation):
    make_obligation(item, due_on=DUE)
    # Monday 12 October: items due on Saturday 10 (a make-up working day) or Sunday 11 became overdue.
    make_obligation(item, due_on=dt.date(2026, 10, 10), kind="consultation")
    send_digests(now=at(dt.date(2026, 10, 12), 9))
    digest = rendered(recipient=office, kind="office_digest")
    assert digest.subject == "2026-10-12新增超期事项：1项"
    assert "0042号《关于加强社区养老服务的建议》— 区经委：办前面商，2026-10-10到期。" in digest.body
    # Monday is the week's first working day: the summary per unit comes too.
    summary = rendered(recipient=office, kind="weekly_summary")
    assert "区经委：未办结2项，其中超期2项" in summary.body


def test_digests_are_recorded_once_a_day_and_not_on_holidays(calendar_2026, item, office, handler, make_obligation):
    make_obligation(item, due_on=DUE)
    assert send_digests(now=at(dt.date(2026, 10, 11), 10)) == 0  # Sunday
    send_digests(now=at(dt.date(2026, 10, 12), 9))
    count = Notification.objects.count()
    send_digests(now=at(dt.date(2026, 10, 12), 15))
    assert Notification.objects.count() == count
    assert send_digests(now=at(dt.date(2026, 10, 13), 8)) == 0  # before the reminder time
