"""The unit head sends a reply back, then approves it; the district leader signs off the 留作参考 reply and gives an
instruction on the key item.

Each step checks what the next person sees. Screenshots of every screen at 1366x768 and 390x844 go to
/tmp/shots/approvals-*.png (SHOTS to move them).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from notifications.models import Notification, NotificationKind
from proposals.models import Item
from workflow.models import Event, OutcomeCategory, Reply
from workflow.services import assignment as assign
from workflow.services import opinions, replies

from ..workflow.flow import consult
from .screens import SIZES, as_another, log_in, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TEXT = "经研究，该建议涉及的养老驿站选址暂不具备条件。\n\n我局将把建议留作参考，在编制下一年度规划时统筹考虑。"
INSTRUCTION = "请区经委会同区民政局年内拿出选址方案，报我阅。"


shoot = shooter("approvals")


def submitted_reply(accepted, office, handler, co_handler, leader):
    """The item made key; consulted, the co-unit's opinion in; a 留作参考 reply submitted to the head."""
    lead, co = accepted
    item = lead.item
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见，配合做好选址调研")
    consult(lead, handler, NOW)
    assign.mark_key_item(actor=office, now=NOW, item=item, leader=leader)
    draft = replies.draft_reply(
        actor=handler,
        now=NOW,
        assignment=lead,
        text=TEXT,
        category=OutcomeCategory.objects.get(scheme__code="cppcc", code="C"),
        reason="选址暂不具备条件",
        signer="王主任",
    )
    return replies.submit_reply(actor=handler, now=NOW, reply=draft)


def test_the_head_sends_back_then_approves_and_the_leader_signs_off_and_instructs(
    browser, page, server, district, office, unit, handler, head, leader, proposer, co_handler, accepted
):
    reply = submitted_reply(accepted, office, handler, co_handler, leader)
    item_id = reply.assignment.item_id
    page.set_viewport_size(SIZES["wide"])

    # The head opens the queue and reads the draft with the co-unit's opinion and the consultation.
    log_in(page, server, "head")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/units/approvals/")
    row = page.locator(f"tr[data-reply='{reply.pk}']")
    assert "0001" in row.inner_text() and "经委" in row.inner_text()
    shoot(page, "head-queue")
    row.locator("a.button").click()
    page.wait_for_url(f"{server.url}/units/approvals/{reply.pk}/")
    main = page.locator("main").inner_text()
    assert "我局将把建议留作参考" in main and "同意主办单位意见，配合做好选址调研" in main and "张委员" in main
    shoot(page, "head-review")

    # Sent back without a comment: the browser asks for the reason (the server would too); then with one.
    page.locator(f"form[action='/units/approvals/{reply.pk}/send-back/'] button[type=submit]").click()
    assert page.locator("textarea[name=reason]").evaluate("field => !field.validity.valid")
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.AWAITING_HEAD
    page.locator("textarea[name=reason]").fill("请补充选址调研的情况")
    shoot(page, "head-send-back")
    page.locator(f"form[action='/units/approvals/{reply.pk}/send-back/'] button[type=submit]").click()
    page.wait_for_url(f"{server.url}/units/approvals/")
    assert page.locator("ul.messages").count() == 1
    assert page.locator(f"tr[data-reply='{reply.pk}']").count() == 0
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.DRAFT

    # The handler revises and submits again; the head approves from the item page's button.
    draft = Reply.objects.get(pk=reply.pk)
    draft = replies.draft_reply(
        actor=handler,
        now=NOW,
        assignment=draft.assignment,
        version=draft.version,
        text=TEXT + "\n\n已补充选址调研情况。",
    )
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    page.goto(f"{server.url}/items/{item_id}/")
    page.locator(f"nav.item-acts a[href='/units/approvals/{reply.pk}/']").click()
    page.wait_for_url(f"{server.url}/units/approvals/{reply.pk}/")
    assert page.locator("[data-action='reply.sent_back']").count() == 1
    page.locator(f"form[action='/units/approvals/{reply.pk}/approve/'] button[type=submit]").click()
    page.wait_for_url(f"{server.url}/units/approvals/")
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.AWAITING_LEADER
    shoot(page, "head-queue-empty")

    # The leader signs off the 留作参考 reply from the queue, then instructs on the key item.
    context, leader_page = as_another(browser, server, "leader")
    leader_page.goto(f"{server.url}/leader/")
    assert leader_page.locator(f"tr[data-reply='{reply.pk}']").count() == 1
    assert "民政局" in leader_page.locator(f"tr[data-item='{item_id}']").inner_text()
    shoot(leader_page, "leader-queue")
    leader_page.locator(f"tr[data-reply='{reply.pk}'] a.button").click()
    leader_page.wait_for_url(f"{server.url}/leader/replies/{reply.pk}/")
    assert "已补充选址调研情况。" in leader_page.locator("main").inner_text()
    shoot(leader_page, "leader-review")
    leader_page.locator(f"form[action='/leader/replies/{reply.pk}/sign-off/'] button[type=submit]").click()
    leader_page.wait_for_url(f"{server.url}/leader/")
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.AWAITING_OFFICE
    assert leader_page.locator(f"tr[data-reply='{reply.pk}']").count() == 0

    leader_page.locator(f"tr[data-item='{item_id}'] a.button").click()
    leader_page.wait_for_url(f"{server.url}/leader/items/{item_id}/instruction/")
    leader_page.locator("textarea[name=text]").focus()
    leader_page.keyboard.type(INSTRUCTION)
    shoot(leader_page, "instruction")
    leader_page.locator("main form button[type=submit]").click()
    leader_page.wait_for_url(f"{server.url}/items/{item_id}/#timeline-heading")
    assert INSTRUCTION in leader_page.locator("ol.item-timeline").inner_text()
    shoot(leader_page, "item-after-instruction")
    context.close()

    # The handler reads the instruction on the timeline and was told of it.
    assert Event.objects.filter(action="instruction.given", item_id=item_id).count() == 1
    assert Notification.objects.filter(recipient=handler, kind=NotificationKind.LEADER_INSTRUCTION).exists()
    context, handler_page = as_another(browser, server, "handler")
    handler_page.goto(f"{server.url}/items/{item_id}/")
    assert INSTRUCTION in handler_page.locator("ol.item-timeline").inner_text()
    context.close()
    assert Item.objects.get(pk=item_id).is_key
