"""A handler follows a reminder from the bell to the item page and reads its timeline in Chinese."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from notifications.reminders import sweep
from proposals.models import Item
from workflow.services import assignment as assign
from workflow.services import intake

from ..workflow.flow import receive
from .screens import log_in

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ASSIGNED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_handler_opens_the_item_from_the_bell_and_reads_the_timeline_in_chinese(
    page, server, district, office, unit, handler, proposer
):
    title = "关于加强社区养老服务的建议"
    item = receive(office, proposer, now=ASSIGNED, number="0001", title=title, disclosure=Item.Disclosure.PUBLIC)
    intake.register_item(actor=office, now=ASSIGNED, item=item)
    assign.assign_units(actor=office, now=ASSIGNED, item=item, lead_units=[unit])
    sweep(now=ASSIGNED + dt.timedelta(days=3))  # acceptance is due 9 March: the reminder is recorded

    log_in(page, server, "handler")
    page.wait_for_url(f"{server.url}/")
    page.click("a.bell")
    page.click(f"ul.notifications a[href='/items/{item.pk}/']")
    page.wait_for_url(f"{server.url}/items/{item.pk}/")
    assert "关于加强社区养老服务的建议" in page.locator("h1").inner_text()
    timeline = page.locator("ol.item-timeline").inner_text()
    assert "收到建议提案" in timeline and "Item received" not in timeline
    assert page.locator("html").get_attribute("lang") == "zh-hans"
