"""A city item the district co-handles (市办会办件): the unit's opinion goes to the city through its head.

The handler writes the opinion from the item page's button and submits it to the unit head; the
head finds it in the approvals queue and sends it back with a reason; the handler reads the reason,
revises and submits again; the head approves; the handler downloads the signed Word document and
records it as sent, and the item is closed. Screenshots at 1366x768 and 390x844 go to
/tmp/shots/city-*.png (SHOTS to move them).
"""

import pytest
from django.utils import timezone

from proposals.models import Item, Kind
from tests.factories import ItemFactory
from workflow.models import CoUnitOpinion
from workflow.services import assignment as assign

from .screens import as_another, shooter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

shoot = shooter("city")


def submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_the_district_opinion_on_a_city_item_is_approved_downloaded_and_recorded_as_sent(
    browser, server, settings, tmp_path, district, office, unit, handler, head
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    item = ItemFactory(district=district, kind=Kind.CITY_CO, state=Item.State.REGISTERED, review="registered")
    item.title = "关于加快轨道交通建设的建议"
    item.save(update_fields=["title"])
    (co,) = assign.assign_units(actor=office, now=timezone.now(), item=item, lead_units=[], co_units=[unit])
    assign.accept_assignment(actor=handler, now=timezone.now(), assignment=co)

    context, page = as_another(browser, server, "handler")
    page.goto(f"{server.url}/items/{item.pk}/")
    page.click(f"nav.item-acts a[href='/items/{item.pk}/handling/opinion/']")
    page.fill("textarea[name=text]", "经研究，同意市交通委的建设方案。")
    submit(page, "form.records-form button[type=submit]")
    assert "submitted" in page.locator(".messages").inner_text() or "提交" in page.locator(".messages").inner_text()
    assert page.locator(".city-opinion").get_attribute("data-state") == "awaiting_head"
    shoot(page, "submitted")

    head_context, head_page = as_another(browser, server, "head")
    head_page.goto(f"{server.url}/units/approvals/")
    head_page.click(f"a[href='/items/{item.pk}/handling/opinion/']")
    shoot(head_page, "head-review")
    submit(head_page, "form[action$='/send-back/'] button[type=submit]")  # no reason: refused, nothing changes
    assert head_page.locator(".field-error").count() or head_page.locator(".form-errors").count()
    head_page.fill("textarea[name=reason]", "请补充建设时序安排")
    submit(head_page, "form[action$='/send-back/'] button[type=submit]")

    page.reload()
    assert "请补充建设时序安排" in page.locator(".city-opinion").inner_text()
    page.fill("textarea[name=text]", "经研究，同意市交通委的建设方案，建议2027年开工。")
    submit(page, "form.records-form button[type=submit]")

    head_page.goto(f"{server.url}/items/{item.pk}/handling/opinion/")
    submit(head_page, "form[action$='/approve/'] button[type=submit]")
    head_context.close()

    page.reload()
    assert page.locator(".city-opinion").get_attribute("data-state") == "approved"
    shoot(page, "approved")
    with page.expect_download() as download:
        page.click("a[href$='/document/']")
    assert download.value.suggested_filename.endswith(".docx")
    submit(page, "form[action$='/sent/'] button[type=submit]")
    assert page.locator(".city-opinion").get_attribute("data-state") == "sent"
    shoot(page, "sent")
    context.close()

    opinion = CoUnitOpinion.objects.get(assignment=co)
    assert (opinion.state, opinion.text) == ("sent", "经研究，同意市交通委的建设方案，建议2027年开工。")
    assert Item.objects.get(pk=item.pk).state == Item.State.CLOSED
