"""The office clerk acts for others and finishes items, from the item page's buttons.

She waives a co-unit's opinion, records the unit's consultation from its scanned record (refused
first without the scan), records the proposer's paper feedback form (refused first: a disagreement
needs its reason), corrects the reply's outcome and the item's title after closing, and closes an
item whose feedback window ended. Each step checks what the next person sees: the handler reads the
consultation on the timeline, the proposer reads their feedback and the closed item.
Screenshots at 1366x768 and 390x844 go to /tmp/shots/onbehalf-*.png (SHOTS to move them).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from proposals.models import Item
from workflow.models import Event, Feedback, OutcomeCategory, Reply
from workflow.services import assignment as assign
from workflow.services import intake

from ..workflow.flow import consult, receive
from ..workflow.flow import reply as send
from .screens import as_another, log_in, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PDF = {"mimeType": "application/pdf", "buffer": b"%PDF-1.4 scanned paper form"}


shoot = shooter("onbehalf")


def category(code):
    return OutcomeCategory.objects.get(scheme__code="cppcc", code=code)


def act(page, item, name):
    """Follow the item page's button to one of the office's records."""
    page.click(f"nav.item-acts a[href='/items/{item.pk}/records/{name}/']")
    page.wait_for_url(f"**/items/{item.pk}/records/{name}/")


def submit(page):
    with page.expect_navigation():
        page.click("form.records-form button[type=submit]")


def field_error(page, name):
    return page.locator(f".field:has([name={name}]) .field-error").inner_text()


def actions(page):
    return page.locator("ol.item-timeline li").evaluate_all("(rows) => rows.map((row) => row.dataset.action)")


def test_the_office_records_for_others_then_closes_and_corrects(
    browser, page, server, settings, tmp_path, office, handler, head, leader, proposer, proposer_user, unit, accepted
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    lead, co = accepted
    item = lead.item

    log_in(page, server, "office")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/items/{item.pk}/")

    # The co-unit never answered: the office waives its opinion, with the reason.
    act(page, item, "opinion-waiver")
    page.select_option("select[name=assignment]", str(co.pk))
    page.fill("textarea[name=reason]", "民政局电话表示无补充意见")
    shoot(page, "opinion-waiver")
    submit(page)
    assert page.url == f"{server.url}/items/{item.pk}/"
    assert "opinion.waived" in actions(page)

    # The unit's consultation came on paper: without its scan it is refused, what was typed is kept.
    act(page, item, "consultation")
    page.select_option("select[name=assignment]", str(lead.pk))
    page.select_option("select[name=method]", "visit")
    page.fill("input[name=held_on]", "2026-03-03")
    page.fill("input[name=participants]", "张委员、经委承办人")
    submit(page)
    assert field_error(page, "form")  # the service's reason, beside the file field
    assert page.input_value("input[name=participants]") == "张委员、经委承办人"
    shoot(page, "consultation-refused")
    page.set_input_files("input[name=form]", files=[{"name": "走访记录.pdf", **PDF}])
    submit(page)
    assert page.url == f"{server.url}/items/{item.pk}/"
    assert "走访记录.pdf" in page.locator(".item-files").first.inner_text()

    # The handler, next, finds the consultation done on the item's timeline.
    context, handler_page = as_another(browser, server, "handler")
    handler_page.goto(f"{server.url}/items/{item.pk}/")
    assert "consultation.recorded" in actions(handler_page)
    context.close()

    # The unit replies (for reference, signed off by the leader); the proposer answers on paper.
    send(lead, handler=handler, head=head, leader=leader, office=office, category=category("C"), now=timezone.now())
    page.goto(f"{server.url}/items/{item.pk}/")
    first = page.locator("nav.item-acts a").first
    assert first.get_attribute("href") == f"/items/{item.pk}/records/feedback/"  # what the item waits for
    assert "button-quiet" not in (first.get_attribute("class") or "")
    act(page, item, "feedback")
    page.check("input[name=agrees][value=no]")
    page.set_input_files("input[name=form]", files=[{"name": "征询意见表.pdf", **PDF}])
    submit(page)
    assert field_error(page, "comment")  # a disagreement needs its reason
    shoot(page, "feedback-refused")
    page.check("input[name=agrees][value=yes]")
    page.locator("input[name=rating]").first.check()
    page.check("input[name=praised]")
    page.fill("textarea[name=comment]", "答复认真，表示满意")
    page.set_input_files("input[name=form]", files=[{"name": "征询意见表.pdf", **PDF}])
    shoot(page, "feedback")
    submit(page)
    assert page.url == f"{server.url}/items/{item.pk}/"
    assert Item.objects.get(pk=item.pk).state == Item.State.CLOSED
    feedback = Feedback.objects.get()
    assert feedback.on_behalf and feedback.praised and feedback.form.original_name == "征询意见表.pdf"
    shoot(page, "item-closed")

    # The proposer, next, reads their feedback and the closed item.
    context, proposer_page = as_another(browser, server, "member")
    proposer_page.goto(f"{server.url}/items/{item.pk}/")
    assert "答复认真，表示满意" in proposer_page.locator("#feedback-heading + *").inner_text()
    assert proposer_page.locator("nav.item-acts").count() == 0  # nothing of the office's for them
    context.close()

    # After closing: the reply's outcome was wrong, and so was the title.
    act(page, item, "reply-correction")
    page.select_option("select[name=category]", str(category("B").pk))
    page.fill("textarea[name=reason]", "答复类型不当")
    shoot(page, "reply-correction")
    submit(page)
    assert Reply.objects.get(state="sent").category.code == "B"
    assert "B " in page.locator(".item-reply dl").inner_text()
    act(page, item, "correction")
    page.fill("input[name=title]", "关于加强社区居家养老服务的建议")
    page.fill("textarea[name=reason]", "标题录入有误")
    submit(page)
    assert "关于加强社区居家养老服务的建议" in page.locator("h1").inner_text()
    assert {"reply.corrected", "item.corrected"} <= set(actions(page))

    # Another item's feedback window ended months ago: the office closes it.
    other = receive(office, proposer, now=NOW, number="0002", title="关于增设公交线路的提案")
    intake.register_item(actor=office, now=NOW, item=other)
    (other_lead,) = assign.assign_units(actor=office, now=NOW, item=other, lead_units=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=other_lead)
    consult(other_lead, handler, NOW)
    send(other_lead, handler=handler, head=head, leader=leader, office=office, category=category("C"), now=NOW)
    page.goto(f"{server.url}/items/{other.pk}/")
    act(page, other, "close")
    shoot(page, "close")
    submit(page)
    assert page.url == f"{server.url}/items/{other.pk}/"
    assert Item.objects.get(pk=other.pk).state == Item.State.CLOSED
    assert Event.objects.filter(item=other, action="feedback.missed").exists()
