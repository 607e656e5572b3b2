"""A handler of two units walks their inbox in the browser; the unit head sees the replies to approve.

The handler of 经委 and 科委 lands on 经委's inbox: counts per act at the top, an overdue key item
to accept (red, in working days), a recent one with days left, a reply the head sent back with
the reason; follows an item to its page; picks 科委 and sees its co-unit opinion owed. The head of
经委 sees the reply waiting for approval. Screenshots at 1366x768 and 390x844 go to
/tmp/shots/units-inbox-*.png (SHOTS to move them).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from districts.models import Role
from workflow.models import OutcomeCategory
from workflow.services import assignment as assign
from workflow.services import intake, replies

from ..factories import MembershipFactory
from ..workflow.flow import consult, receive
from .screens import as_another, log_in, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


shoot = shooter("units-inbox")


def assigned(office, proposer, *, number, title, lead_units, co_units=(), now=NOW):
    item = receive(office, proposer, now=now, number=number, title=title)
    intake.register_item(actor=office, now=now, item=item)
    return assign.assign_units(actor=office, now=now, item=item, lead_units=lead_units, co_units=co_units)


def submitted(office, proposer, unit, handler, *, number, title):
    lead = assigned(office, proposer, number=number, title=title, lead_units=[unit])[0]
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    consult(lead, handler, NOW)
    draft = replies.draft_reply(
        actor=handler,
        now=NOW,
        assignment=lead,
        text="经研究，答复如下。",
        category=OutcomeCategory.objects.get(scheme__code="cppcc", code="A"),
        signer="王主任",
    )
    return replies.submit_reply(actor=handler, now=NOW, reply=draft)


def test_a_handler_of_two_units_walks_the_inbox_and_the_head_sees_the_approvals(
    browser, page, server, district, office, unit, other_unit, handler, head, proposer
):
    MembershipFactory(user=handler, role=Role.HANDLER, district=district, unit=other_unit)
    key = assigned(office, proposer, number="0001", title="关于加快老旧小区加装电梯的建议", lead_units=[unit])[0]
    intake_item = key.item
    intake_item.is_key = True
    intake_item.save(update_fields=["is_key"])
    assigned(
        office,
        proposer,
        number="0002",
        title="关于完善社区养老服务设施布局、增加日间照料中心床位供给的建议",
        lead_units=[unit],
        now=timezone.now(),
    )
    back = submitted(office, proposer, unit, handler, number="0003", title="关于优化公交线路的建议")
    replies.send_back_reply(actor=head, now=NOW, reply=back, reason="答复类型不当，应为列入计划")
    submitted(office, proposer, unit, handler, number="0004", title="关于增设非机动车停放点的建议")
    co = assigned(office, proposer, number="0005", title="关于河道整治的建议", lead_units=[unit], co_units=[other_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=co[1])

    log_in(page, server, "handler")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/units/")
    assert page.locator("h1").inner_text()
    assert page.locator(".inbox-units a[aria-current=page]").inner_text() == unit.name
    acceptance = page.locator("#act-acceptance .inbox-row")
    assert acceptance.count() == 3  # 0001 and 0005 (same day, by number), then 0002
    first = acceptance.nth(0)
    assert "0001" in first.inner_text() and first.locator(".inbox-key").count() == 1
    assert "inbox-row-overdue" in first.get_attribute("class")
    assert "0002" in acceptance.nth(2).inner_text() and "inbox-row-overdue" not in acceptance.nth(2).get_attribute(
        "class"
    )
    reply_rows = page.locator("#act-reply").inner_text()
    assert "答复类型不当，应为列入计划" in reply_rows and "0001" not in reply_rows  # not accepted yet
    assert "0004" not in page.locator("main").inner_text()  # with the head: not the handler's to do
    assert page.locator("#act-approval").count() == 0
    shoot(page, "handler")

    with page.expect_navigation():
        first.locator("a").first.click()
    assert page.url == f"{server.url}/items/{intake_item.pk}/"
    page.go_back()

    with page.expect_navigation():
        page.locator(".inbox-units a", has_text=other_unit.name).click()
    assert page.url.endswith(f"/units/?unit={other_unit.pk}")
    assert "0005" in page.locator("#act-co_opinion").inner_text()
    assert page.locator("#act-acceptance").count() == 0
    shoot(page, "other-unit")

    context, other = as_another(browser, server, "head")
    other.goto(f"{server.url}/units/")
    assert "0004" in other.locator("#act-approval").inner_text()
    assert other.locator(".inbox-units").count() == 0  # one unit: no picker
    shoot(other, "head")
    context.close()
