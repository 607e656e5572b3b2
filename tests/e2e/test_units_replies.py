"""The lead unit's handler writes the reply in the browser, has it sent back, revises it, then reports progress.

From the item page's panel she opens the reply form, writes a long reply in paragraphs with the
signed 复文 attached, saves it (version 1), reads the co-unit's opinion and the consultation beside
it, and submits it to the head. The head sends it back through the service; she reads by whom and
why, revises the outcome and submits again. On another item, followed up, she reports progress.
Screenshots at 1366x768 and 390x844 go to /tmp/shots/replies-*.png (SHOTS to move them).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from proposals.models import Item
from workflow.models import FollowUp, OutcomeCategory, Reply
from workflow.services import assignment as assign
from workflow.services import intake, opinions, replies
from workflow.services.feedback import record_feedback

from ..workflow.flow import consult, receive
from ..workflow.flow import reply as send
from .screens import SIZES, log_in, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PDF = {"mimeType": "application/pdf", "buffer": b"%PDF-1.4 signed reply"}
TEXT = "\n\n".join(
    f"　　{n}、关于社区养老服务点建设，我委已会同区民政局开展调研，" + "现将有关情况答复如下。" * 12
    for n in range(1, 6)
)


shoot = shooter("replies")


def category(code):
    return OutcomeCategory.objects.get(scheme__code="cppcc", code=code)


def press(page, action):
    with page.expect_navigation():
        page.click(f"form.replies-form button[value={action}]")


def test_the_handler_drafts_submits_revises_and_reports_progress(
    browser,
    page,
    server,
    settings,
    tmp_path,
    office,
    unit,
    handler,
    head,
    leader,
    proposer,
    proposer_user,
    co_handler,
    item,
    accepted,
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    lead, co = accepted
    consult(lead, handler, NOW)
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见。\n\n建议加快选址。")

    page.set_viewport_size(SIZES["wide"])
    log_in(page, server, "handler")
    page.wait_for_url(f"{server.url}/**")
    page.goto(f"{server.url}/items/{item.pk}/")
    first = page.locator("nav.item-acts a").first
    assert first.get_attribute("href") == f"/units/assignments/{lead.pk}/reply/"  # what the item waits for
    with page.expect_navigation():
        first.click()

    # The co-unit's opinion and the consultation are beside the form.
    assert "建议加快选址" in page.locator(".replies-side").inner_text()
    assert "张委员" in page.locator(".replies-side [data-consultation]").inner_text()
    page.select_option("select[name=category]", str(category("A").pk))
    page.fill("textarea[name=text]", TEXT)
    page.fill("input[name=signer]", "经委主任")
    page.set_input_files("input[name=files]", files=[{"name": "复文.pdf", **PDF}])
    shoot(page, "form")
    press(page, "save")
    reply = Reply.objects.get()
    assert (reply.version, reply.text) == (1, TEXT)
    assert page.input_value("textarea[name=text]") == TEXT  # the round trip changes nothing
    assert page.locator(".replies-versions li").count() == 1

    press(page, "submit")
    assert Reply.objects.get().state == Reply.State.AWAITING_HEAD
    assert page.locator(".replies-chain tr[aria-current=step]").get_attribute("data-step") == "awaiting_head"
    assert page.locator("form.replies-form").count() == 0
    shoot(page, "submitted")

    # The head sends it back; the handler reads by whom and why, and revises it.
    replies.send_back_reply(actor=head, now=timezone.now(), reply=reply, reason="答复类型不当：应为列入计划拟解决")
    page.reload()
    assert "答复类型不当：应为列入计划拟解决" in page.locator(".replies-sent-back").inner_text()
    assert "经委主任" in page.locator(".replies-sent-back").inner_text()
    page.select_option("select[name=category]", str(category("B").pk))
    press(page, "submit")
    assert "planned_on" in page.locator(".field-invalid").first.inner_html()  # the date the outcome needs
    assert page.input_value("textarea[name=text]") == TEXT  # what was typed is kept
    shoot(page, "refused")
    page.fill("input[name=planned_on]", "2026-12-31")
    press(page, "submit")
    reply = Reply.objects.get()
    assert (reply.state, reply.category, reply.text) == (Reply.State.AWAITING_HEAD, category("B"), TEXT)
    assert page.locator(".replies-versions li").count() >= 3

    # Another item, replied "planned" and agreed: the handler reports progress from the item page.
    other = intake.register_item(
        actor=office, now=NOW, item=receive(office, proposer, now=NOW, number="0002", title="关于增设公交线路的建议")
    )
    (other_lead,) = assign.assign_units(actor=office, now=NOW, item=other, lead_units=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=other_lead)
    consult(other_lead, handler, NOW)
    send(other_lead, handler=handler, head=head, leader=leader, office=office, category=category("B"), now=NOW)
    record_feedback(actor=proposer_user, now=NOW, item=Item.objects.get(pk=other.pk), agrees=True)  # in the window
    page.goto(f"{server.url}/items/{other.pk}/")
    first = page.locator("nav.item-acts a").first
    assert first.get_attribute("href") == f"/units/assignments/{other_lead.pk}/progress/"
    with page.expect_navigation():
        first.click()
    page.fill("textarea[name=progress]", "已完成线路走向论证，计划年内开通。")
    shoot(page, "progress")
    with page.expect_navigation():
        page.click("form.records-form button[type=submit]")
    assert page.url == f"{server.url}/items/{other.pk}/"
    assert FollowUp.objects.get().progress == "已完成线路走向论证，计划年内开通。"
