"""One item across four logins, every step in the browser from the item page's buttons (issue #16).

The office assigns it to a lead unit and a co-unit; the lead unit's handler accepts and records a
consultation; the co-unit's handler accepts and sends its opinion, and reads no draft of the lead
unit; the handler drafts a 留作参考 reply and submits it; the head sends it back, the handler revises,
the head approves; the district leader signs off; the office sends it. Screenshots go to
$SHOTS/walk-*.png.
"""

import pytest
from django.utils import timezone

from workflow.models import Assignment, CoUnitOpinion, OutcomeCategory, Reply
from workflow.services import intake

from ..workflow.flow import receive
from .screens import as_another, shooter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

shoot = shooter("walk")
DRAFT = "　　经研究，我委将把该建议留作参考。\n\n　　下一步将结合区域规划统筹考虑。"
REVISED = DRAFT + "\n\n　　已补充选址调研情况。"


def go(page, selector):
    """Click what navigates (a link, a form's button) and wait for the next page."""
    with page.expect_navigation():
        page.click(selector)


def act(page, server, item, href):
    """Open the item page and follow its button to `href`."""
    page.goto(f"{server.url}/items/{item.pk}/")
    go(page, f"nav.item-acts a[href='{href}']")


def test_an_item_goes_from_the_office_through_the_units_head_and_leader_back_to_the_office(
    browser,
    server,
    settings,
    tmp_path,
    district,
    office,
    unit,
    other_unit,
    handler,
    head,
    other_handler,
    leader,
    proposer,
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    now = timezone.now()  # the live server's clock: every window is open
    item = receive(office, proposer, now=now, number="0001", title="关于加强社区养老服务的建议")
    intake.register_item(actor=office, now=now, item=item)
    keep = OutcomeCategory.objects.get(scheme__code="cppcc", code="C")  # 留作参考: the leader signs off

    # The office assigns: the lead unit and a co-unit.
    office_context, desk = as_another(browser, server, "office")
    act(desk, server, item, f"/items/{item.pk}/assign/")
    desk.locator(f"input[name=lead_units][value='{unit.pk}']").check()
    desk.locator(f"input[name=co_units][value='{other_unit.pk}']").check()
    go(desk, "form.assign-form button[type=submit]")
    lead = Assignment.objects.get(item=item, unit=unit)
    co = Assignment.objects.get(item=item, unit=other_unit)

    # The lead unit's handler finds it in the inbox, accepts it and records the consultation.
    handler_context, work = as_another(browser, server, "handler")
    assert "0001" in work.locator("#act-acceptance").inner_text()  # the inbox is the handler's home page
    act(work, server, item, f"/items/{item.pk}/handling/accept/")
    go(work, "form[action$='/handling/accept/'] button[type=submit]")
    act(work, server, item, f"/items/{item.pk}/handling/consultation/")
    work.select_option("select[name=method]", "meeting")
    work.fill("input[name=held_on]", timezone.localdate().isoformat())
    work.fill("input[name=participants]", "张委员、经委承办人")
    work.fill("textarea[name=notes]", "面商养老服务点选址。")
    go(work, "form.records-form button[type=submit]")

    # The co-unit accepts and sends its opinion.
    co_context, co_page = as_another(browser, server, "other_handler")
    act(co_page, server, item, f"/items/{item.pk}/handling/accept/")
    go(co_page, "form[action$='/handling/accept/'] button[type=submit]")
    act(co_page, server, item, f"/items/{item.pk}/handling/opinion/")
    co_page.fill("textarea[name=text]", "同意主办单位意见，配合做好选址调研。")
    go(co_page, "form.records-form button[type=submit]")
    assert CoUnitOpinion.objects.get(assignment=co).text == "同意主办单位意见，配合做好选址调研。"

    # The handler drafts the reply beside the co-unit's opinion and submits it to the head.
    act(work, server, item, f"/units/assignments/{lead.pk}/reply/")
    assert "配合做好选址调研" in work.locator(".replies-side").inner_text()
    work.select_option("select[name=category]", str(keep.pk))
    work.fill("textarea[name=text]", DRAFT)
    work.fill("input[name=signer]", "经委主任")
    go(work, "form.replies-form button[value=submit]")
    reply = Reply.objects.get(assignment=lead)
    assert reply.state == Reply.State.AWAITING_HEAD

    # The co-unit sees the item but not the lead unit's draft.
    co_page.goto(f"{server.url}/items/{item.pk}/")
    assert "留作参考" not in co_page.locator("main").inner_text() and DRAFT.strip()[:8] not in co_page.content()
    co_context.close()

    # The head sends it back with a comment; the handler reads why and revises; the head approves.
    head_context, head_page = as_another(browser, server, "head")
    act(head_page, server, item, f"/units/approvals/{reply.pk}/")
    head_page.fill("textarea[name=reason]", "请补充选址调研的情况")
    go(head_page, f"form[action='/units/approvals/{reply.pk}/send-back/'] button[type=submit]")
    act(work, server, item, f"/units/assignments/{lead.pk}/reply/")
    assert "请补充选址调研的情况" in work.locator(".replies-sent-back").inner_text()
    work.fill("textarea[name=text]", REVISED)
    go(work, "form.replies-form button[value=submit]")
    shoot(work, "handler-submitted")
    act(head_page, server, item, f"/units/approvals/{reply.pk}/")
    go(head_page, f"form[action='/units/approvals/{reply.pk}/approve/'] button[type=submit]")
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.AWAITING_LEADER
    head_context.close()
    handler_context.close()

    # The leader signs off the 留作参考 reply from the leader's page.
    leader_context, leader_page = as_another(browser, server, "leader")
    leader_page.goto(f"{server.url}/leader/")
    go(leader_page, f"tr[data-reply='{reply.pk}'] a.button")
    shoot(leader_page, "leader-review")
    go(leader_page, f"form[action='/leader/replies/{reply.pk}/sign-off/'] button[type=submit]")
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.AWAITING_OFFICE
    leader_context.close()

    # The office sends it: the proposer is told, the text is what the handler wrote.
    act(desk, server, item, f"/replies/{reply.pk}/review/")
    go(desk, f"form[action='/replies/{reply.pk}/send/'] button[type=submit]")
    sent = Reply.objects.get(pk=reply.pk)
    assert (sent.state, sent.text, sent.category) == (Reply.State.SENT, REVISED, keep)
    shoot(desk, "office-sent")
    office_context.close()
