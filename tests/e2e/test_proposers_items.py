"""A member on their phone: my items, a reply read, a disagreement, the unit's second reply, agreement and praise.

The member logs in at 390x844 and lands on their items; reads the reply the unit sent; disagrees
(refused first: a disagreement says why); the unit consults again and replies again (driven by the
services); the member agrees and praises, and the item closes. The item list reads as cards.
Screenshots at 1366x768 and 390x844 go to /tmp/shots/proposer-*.png (SHOTS to move them).
"""

import pytest
from django.utils import timezone

from proposals.models import Item
from workflow.models import Feedback, OutcomeCategory, RatingValue
from workflow.services.opinions import waive_opinion

from ..workflow.flow import consult
from ..workflow.flow import reply as send
from .screens import SIZES, log_in, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

shoot = shooter("proposer")


def category(code):
    return OutcomeCategory.objects.get(scheme__code="cppcc", code=code)


def card(page, item):
    return page.locator(f"article.mine-item[data-item='{item.pk}']")


def submit(page):
    with page.expect_navigation():
        page.click("form.mine-form button[type=submit]")


def test_a_member_disagrees_on_the_phone_then_agrees_with_the_second_reply(
    browser, server, office, handler, head, leader, proposer_user, accepted
):
    lead, co = accepted
    item = lead.item
    consult(lead, handler, timezone.now())
    waive_opinion(actor=office, now=timezone.now(), assignment=co, reason="无补充意见")
    send(lead, handler=handler, head=head, leader=leader, office=office, category=category("C"), now=timezone.now())

    context = browser.new_context(locale="zh-CN", viewport=SIZES["phone"], is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, server, "member")
    page.wait_for_url(f"{server.url}/")

    # Lands on my items: the item says it waits for the member's feedback; the reply reads as sent.
    mine = card(page, item)
    assert mine.locator(".mine-stage").get_attribute("data-state") == "replied"
    assert "区经委" in mine.inner_text()
    reply = mine.locator("details.mine-reply").first
    assert reply.get_attribute("open") is not None  # awaiting feedback: the reply is open to read
    assert "经研究，答复如下" in reply.inner_text()
    assert mine.locator(f"a[href='/items/{item.pk}/#messages']").count() == 1
    shoot(page, "my-items")

    # Disagrees: refused without the reason, what was chosen kept; then with it.
    page.set_viewport_size(SIZES["phone"])
    mine.locator(f"a[href='/my/items/{item.pk}/feedback/']").click()
    page.wait_for_url(f"**/my/items/{item.pk}/feedback/")
    page.check("input[name=agrees][value=no]")
    page.locator("input[name=rating]").nth(2).check()
    submit(page)
    assert page.locator(".field-comment .field-error").count() == 1
    assert page.is_checked("input[name=agrees][value=no]")
    shoot(page, "feedback-refused")
    page.set_viewport_size(SIZES["phone"])
    page.fill("textarea[name=comment]", "停车位仍然不足，答复未解决实际问题")
    submit(page)
    assert page.url == f"{server.url}/my/#item-{item.pk}"
    assert Item.objects.get(pk=item.pk).round == 2
    assert card(page, item).locator(".mine-stage").get_attribute("data-state") == "handling"
    assert page.locator(".messages").count() == 1
    shoot(page, "disagreed")

    # The unit consults the member again and replies again.
    lead.refresh_from_db()
    consult(lead, handler, timezone.now())
    send(lead, handler=handler, head=head, leader=leader, office=office, category=category("C"), now=timezone.now())

    # The member reads both replies, agrees with the second and praises the unit.
    page.set_viewport_size(SIZES["phone"])
    page.goto(f"{server.url}/my/")
    mine = card(page, item)
    assert mine.locator("details.mine-reply").count() == 2
    assert mine.locator(".mine-given").count() == 1  # the disagreement of round 1
    mine.locator(f"a[href='/my/items/{item.pk}/feedback/']").click()
    page.wait_for_url(f"**/my/items/{item.pk}/feedback/")
    page.check("input[name=agrees][value=yes]")
    page.locator("input[name=rating]").first.check()
    page.check("input[name=praised]")
    page.fill("textarea[name=comment]", "第二次答复认真，表示满意")
    page.locator("textarea[name=comment]").blur()
    shoot(page, "feedback")
    page.set_viewport_size(SIZES["phone"])
    submit(page)
    assert Item.objects.get(pk=item.pk).state == Item.State.CLOSED
    latest = Feedback.objects.get(round=2)
    assert (
        latest.agrees
        and latest.praised
        and latest.rating == RatingValue.objects.get(scale__code="quality", code="good")
    )
    assert card(page, item).locator(".mine-stage").get_attribute("data-state") == "closed"
    assert card(page, item).locator(f"a[href='/my/items/{item.pk}/feedback/']").count() == 0
    shoot(page, "agreed")

    # The item list, as the member reads it on the phone: cards, no office filters.
    page.set_viewport_size(SIZES["phone"])
    page.goto(f"{server.url}/items/?year=")
    assert page.locator("select[name=kind]").count() == 0
    assert page.locator("table.items-cards tbody tr").first.bounding_box()["width"] <= SIZES["phone"]["width"]
    shoot(page, "item-list")
    context.close()
