"""The office clerk reviews a reply (sends it back, then sends it), publishes it with one of its files, and decides
an extension request.

Each step checks what the next person sees: the handler reads why the reply came back, the proposer
reads the sent reply, the item page says it is published, the handler reads the new due date.
Screenshots of every screen at 1366x768 and 390x844 go to /tmp/shots/decisions-*.png (SHOTS to move them).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from districts.models import Role
from proposals.models import Attachment, Item
from workflow.models import Extension, Obligation, OutcomeCategory, Reply
from workflow.services import assignment as assign
from workflow.services import extensions, intake, opinions, replies

from ..factories import MembershipFactory, UnitFactory, UserFactory
from ..workflow.flow import consult, receive
from .screens import as_another, log_in, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


shoot = shooter("decisions")


def reply_file(item, name, user):
    return Attachment.objects.create(
        item=item,
        purpose=Attachment.Purpose.REPLY,
        file=ContentFile(b"%PDF-1.4 reply", name="reply.pdf"),
        original_name=name,
        content_type="application/pdf",
        size=14,
        uploaded_by=user,
    )


def handled(office, proposer, unit, co_unit, handler, co_handler, number, title):
    item = receive(office, proposer, now=NOW, number=number, title=title, disclosure=Item.Disclosure.PUBLIC)
    intake.register_item(actor=office, now=NOW, item=item)
    lead, co = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见，配合落实场地")
    consult(lead, handler, NOW)
    return lead


def test_the_office_sends_a_reply_back_then_sends_it_publishes_it_and_decides_an_extension(
    browser, page, server, district, office, unit, handler, head, leader, proposer, proposer_user
):
    co_unit = UnitFactory(district=district, name="区民政局", short_name="民政局")
    co_handler = UserFactory(username="co_handler", full_name="民政局承办人")
    MembershipFactory(user=co_handler, role=Role.HANDLER, district=district, unit=co_unit)
    lead = handled(office, proposer, unit, co_unit, handler, co_handler, "0001", "关于加强社区养老服务的建议")
    letter = reply_file(lead.item, "答复函.pdf", handler)
    annex = reply_file(lead.item, "内部测算表.xlsx.pdf", handler)
    a_category = OutcomeCategory.objects.get(scheme__code="cppcc", code="A")
    draft = replies.draft_reply(
        actor=handler,
        now=NOW,
        assignment=lead,
        text="经研究，拟于年内新建两处养老驿站。",
        category=OutcomeCategory.objects.get(scheme__code="cppcc", code="B"),
        planned_on=dt.date(2026, 12, 31),
        signer="王主任",
        attachments=[letter, annex],
    )
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    replies.approve_reply(actor=head, now=NOW, reply=draft)
    other = handled(office, proposer, co_unit, unit, co_handler, handler, "0002", "关于增设公交线路的建议")
    extension = extensions.request_extension(
        actor=co_handler, now=NOW, assignment=other, until=dt.date(2026, 7, 31), reason="需市交通委审批线路"
    )

    # The office clerk opens the replies awaiting review and reads the draft.
    log_in(page, server, "office")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/replies/review/")
    row = page.locator(f"tr[data-reply='{draft.pk}']")
    assert "0001" in row.inner_text() and "经委" in row.inner_text()
    shoot(page, "reply-queue")
    row.locator("a.button").click()
    page.wait_for_url(f"{server.url}/replies/{draft.pk}/review/")
    assert "经研究，拟于年内新建两处养老驿站。" in page.locator("main").inner_text()
    assert "同意主办单位意见，配合落实场地" in page.locator("main").inner_text()
    assert page.locator("[data-action='reply.approved']").count() == 1
    shoot(page, "reply-review")

    # The outcome should be A: back to the unit, with the reason typed in the keyboard's way.
    page.locator("textarea[name=reason]").focus()
    page.keyboard.type("答复类型不当，已解决的应为A类")
    page.locator("form.decisions-form-back button[type=submit]").click()
    page.wait_for_url(f"{server.url}/replies/review/")
    assert page.locator("ul.messages").count() == 1
    assert page.locator(f"tr[data-reply='{draft.pk}']").count() == 0
    assert Reply.objects.get(pk=draft.pk).state == Reply.State.DRAFT

    # The handler reads why, on the item page.
    context, handler_page = as_another(browser, server, "handler")
    handler_page.goto(f"{server.url}/items/{lead.item_id}/")
    assert "答复类型不当，已解决的应为A类" in handler_page.locator("ol.item-timeline").inner_text()
    context.close()

    # The unit corrects the outcome and its head approves again; the office sends it from the item page.
    draft = Reply.objects.get(pk=draft.pk)
    draft = replies.draft_reply(
        actor=handler, now=NOW, assignment=lead, version=draft.version, category=a_category, planned_on=None
    )
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    replies.approve_reply(actor=head, now=NOW, reply=draft)
    page.goto(f"{server.url}/items/{lead.item_id}/")
    page.locator(f"nav.item-acts a[href='/replies/{draft.pk}/review/']").click()
    page.wait_for_url(f"{server.url}/replies/{draft.pk}/review/")
    page.locator(f"form[action='/replies/{draft.pk}/send/'] button[type=submit]").click()
    page.wait_for_url(f"{server.url}/items/{lead.item_id}/")
    assert Reply.objects.get(pk=draft.pk).state == Reply.State.SENT

    # The proposer reads the reply.
    context, proposer_page = as_another(browser, server, "member")
    proposer_page.goto(f"{server.url}/items/{lead.item_id}/")
    assert "经研究，拟于年内新建两处养老驿站。" in proposer_page.locator("main").inner_text()
    context.close()

    # Publish, with the letter but not the internal annex.
    page.locator(f"nav.item-acts a[href='/replies/{draft.pk}/publish/']").click()
    page.wait_for_url(f"{server.url}/replies/{draft.pk}/publish/")
    page.get_by_label("答复函.pdf").check()
    shoot(page, "reply-publish")
    page.locator("form.decisions-form button[type=submit]").click()
    page.wait_for_url(f"{server.url}/items/{lead.item_id}/")
    assert page.locator(f".item-unit[data-unit='{unit.pk}'] .item-reply .tag").count() == 1  # 已公开
    published = Reply.objects.get(pk=draft.pk)
    assert published.published_at is not None and list(published.public_attachments.all()) == [letter]
    assert page.locator(f"nav.item-acts a[href='/replies/{draft.pk}/publish/']").count() == 0

    # The extension request: granted, to the end of June rather than July.
    page.goto(f"{server.url}/extensions/")
    row = page.locator(f"tr[data-extension='{extension.pk}']")
    assert "需市交通委审批线路" in row.inner_text() and "2026-06-02" in row.inner_text()
    shoot(page, "extension-queue")
    row.locator("a.button").click()
    page.wait_for_url(f"{server.url}/extensions/{extension.pk}/decide/")
    assert "需市交通委审批线路" in page.locator("main").inner_text()
    page.locator("input[name=decision][value=grant]").check()
    page.fill("input[name=until]", "2026-10-30")
    page.locator("form.decisions-form button[type=submit]").click()
    error = page.locator("form.decisions-form .field-error")
    assert "2026-09-02" in error.inner_text()  # the limit, beside the date; what was typed stays
    assert page.locator("input[name=until]").input_value() == "2026-10-30"
    shoot(page, "extension-decide")
    page.fill("input[name=until]", "2026-06-30")
    page.locator("form.decisions-form button[type=submit]").click()
    page.wait_for_url(f"{server.url}/extensions/")
    assert page.locator(f"tr[data-extension='{extension.pk}']").count() == 0
    assert Extension.objects.get(pk=extension.pk).state == Extension.State.GRANTED
    due = Obligation.objects.open().get(assignment=other, kind="reply").due_on
    assert due == dt.date(2026, 6, 30)

    # The co-unit's handler (the lead of the second item) reads the new date.
    context, co_page = as_another(browser, server, "co_handler")
    co_page.goto(f"{server.url}/items/{other.item_id}/")
    assert "2026-06-30" in co_page.locator("ol.item-timeline").inner_text()
    context.close()
