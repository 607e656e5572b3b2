"""A handling unit's handler does the unit's part from the item page's buttons.

The lead unit's handler accepts the assignment, records a consultation with its scanned record
(refused first: a file type not accepted); the co-unit's handler accepts and sends its opinion with
a file; on another item the handler returns the assignment, refused first without a reason. Each
step checks what the next person sees. Screenshots at 1366x768 and 390x844 go to
/tmp/shots/handling-*.png (SHOTS to move them).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from workflow.models import Assignment, Consultation, CoUnitOpinion
from workflow.services import assignment as assign
from workflow.services import intake

from ..workflow.flow import receive
from .screens import as_another, shooter
from .test_office_records import PDF

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


shoot = shooter("handling")


def act(page, item, name):
    """Follow the item page's button to one of the unit's acts."""
    page.click(f"nav.item-acts a[href='/items/{item.pk}/handling/{name}/']")
    page.wait_for_url(f"**/items/{item.pk}/handling/{name}/")


def submit(page, form="form.records-form"):
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def field_error(page, name):
    return page.locator(f".field:has([name='{name}']) .field-error").inner_text()


def test_a_unit_accepts_consults_a_co_unit_sends_its_opinion_and_another_item_is_returned(
    browser, server, settings, tmp_path, district, office, unit, handler, leader, proposer, co_handler, item, assigned
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    lead, _co = assigned
    other = receive(office, proposer, now=NOW, number="0002", title="关于整治河道污染的提案")
    intake.register_item(actor=office, now=NOW, item=other)
    # Assigned today (the live server's clock): its acceptance window is still open.
    (misrouted,) = assign.assign_units(actor=office, now=timezone.now(), item=other, lead_units=[unit])

    # The lead unit's handler accepts: the page says by when; the item page then offers the consultation.
    context, page = as_another(browser, server, "handler")
    page.goto(f"{server.url}/items/{item.pk}/")
    first = page.locator("nav.item-acts a").first
    assert first.get_attribute("href") == f"/items/{item.pk}/handling/accept/"
    act(page, item, "accept")
    assert "超期接收" in page.locator(".handling-late").inner_text()  # assigned in March: the window has closed
    shoot(page, "accept")
    submit(page, "form[action$='/handling/accept/']")
    assert page.url == f"{server.url}/items/{item.pk}/"
    assert "超期接收" in page.locator(".messages").inner_text()  # recorded as a late acceptance
    assert Assignment.objects.get(pk=lead.pk).state == Assignment.State.ACCEPTED

    # The consultation: a file type not accepted is refused beside the field, what was typed is kept.
    act(page, item, "consultation")
    page.select_option("select[name=method]", "meeting")
    page.fill("input[name=held_on]", timezone.localdate().isoformat())
    page.fill("input[name=participants]", "张委员、经委承办人")
    page.fill("textarea[name=notes]", "面商养老服务点选址，委员同意分两期实施。")
    page.set_input_files("input[name=form]", files=[{"name": "面商记录.exe", "mimeType": "x", "buffer": b"MZ"}])
    submit(page)
    assert "面商记录.exe" in field_error(page, "form")
    assert page.input_value("input[name=participants]") == "张委员、经委承办人"
    shoot(page, "consultation-refused")
    page.set_input_files("input[name=form]", files=[{"name": "面商记录.pdf", **PDF}])
    submit(page)
    assert page.url == f"{server.url}/items/{item.pk}/"
    consultation = Consultation.objects.get()
    assert (consultation.on_behalf, consultation.form.original_name) == (False, "面商记录.pdf")
    shoot(page, "item-after-consultation")

    # More time to reply: the page shows the due date and the earlier requests (none yet).
    act(page, item, "extension")
    assert "2026-06-02" in page.locator("#handling-due-heading + ul").inner_text()  # passed: said so
    shoot(page, "extension")
    page.goto(f"{server.url}/items/{item.pk}/")

    # The co-unit's handler accepts its part and sends its opinion to the lead unit, with a file.
    co_context, co_page = as_another(browser, server, "co_handler")
    co_page.goto(f"{server.url}/items/{item.pk}/")
    act(co_page, item, "accept")
    submit(co_page, "form[action$='/handling/accept/']")
    first = co_page.locator("nav.item-acts a").first
    assert first.get_attribute("href") == f"/items/{item.pk}/handling/opinion/"
    act(co_page, item, "opinion")
    co_page.fill("textarea[name=text]", "同意主办单位意见。\n\n民政局可提供社区养老服务点的场地资料。")
    co_page.set_input_files("input[name=attachments]", files=[{"name": "会办意见.pdf", **PDF}])
    shoot(co_page, "opinion")
    submit(co_page)
    assert co_page.url == f"{server.url}/items/{item.pk}/"
    opinion = CoUnitOpinion.objects.get()
    assert opinion.text == "同意主办单位意见。\n\n民政局可提供社区养老服务点的场地资料。"
    assert [a.original_name for a in opinion.attachments.all()] == ["会办意见.pdf"]
    assert co_page.locator(f"nav.item-acts a[href='/items/{item.pk}/handling/opinion/']").count() == 0
    co_context.close()

    # The other item is not the unit's work: without a reason the return is refused, then it goes back.
    page.goto(f"{server.url}/items/{other.pk}/")
    act(page, other, "accept")
    submit(page, "form[action$='/handling/return/']")
    assert field_error(page, "return-reason")
    shoot(page, "return-refused")
    page.fill("textarea[name='return-reason']", "河道整治属区水务局职责，请改派。")
    submit(page, "form[action$='/handling/return/']")
    assert page.url.endswith("/units/")
    returned = Assignment.objects.get(pk=misrouted.pk)
    assert (returned.state, returned.return_reason) == (Assignment.State.RETURNED, "河道整治属区水务局职责，请改派。")
    shoot(page, "after-return")
    context.close()
