"""码上约 at a phone's size: residents write to their deputy by the poster's link, the deputy answers and proposes.

Residents (no login, 390x844) open the deputy's link and leave three messages, one with a phone and
consent. The deputy, on her phone, answers one and turns the two others into one suggestion, which
she hands in. The first resident's private link shows the answer; the second's shows the
suggestion's stage, which moves once the office records and registers it (the services, as the
office's own screens are walked in test_proposers_submissions); the office then reads the counts.
Screenshots at 1366x768 and 390x844 go to /tmp/shots/outreach-*.png (SHOTS to move them).
"""

import pytest

from districts.models import Body, Role
from outreach.models import Message
from submissions.models import Submission
from workflow.services import outreach, submissions
from workflow.services.intake import register_item

from ..factories import MembershipFactory, ProposerFactory, UserFactory
from .screens import SIZES, as_another, log_in, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

shoot = shooter("outreach")
WRITTEN = (
    ("小区北门的路灯坏了一个多月，晚上出入不安全。", "康城社区", "13800138000"),
    ("公交站没有遮雨棚，老人下雨天等车很辛苦。", "春申社区", ""),
    ("同一个公交站的站台太窄，早高峰只能站在非机动车道上候车。", "", ""),
)


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_residents_write_the_deputy_answers_and_proposes_and_the_residents_read_it(
    browser, page, server, district, office
):
    deputy = ProposerFactory(district=district, body=Body.NPC, name="陈代表", constituency="莘庄镇第3选区")
    user = UserFactory(username="deputy", full_name="陈代表")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=deputy)

    # The deputy issues her code on her phone and finds the link her poster encodes.
    page.set_viewport_size(SIZES["phone"])
    log_in(page, server, "deputy")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{server.url}/my/outreach/")
    click_and_wait(page, ".outreach-code-card button[type=submit]")
    code = outreach.live_code(deputy)
    link = f"{server.url}/q/{code.code}/"
    assert page.locator("[data-code-link]").inner_text().endswith(f"/q/{code.code}/")

    # Residents write from their phones, without logging in.
    resident = browser.new_context(locale="zh-CN", viewport=SIZES["phone"])
    phone = resident.new_page()
    private = []
    for n, (text, place, number) in enumerate(WRITTEN):
        phone.goto(link)
        phone.fill("#id_text", text)
        phone.fill("#id_neighbourhood", place)
        if number:
            phone.fill("#id_phone", number)
            phone.check("#id_may_contact")
        if n == 0:
            shoot(phone, "write")
            phone.set_viewport_size(SIZES["phone"])
        click_and_wait(phone, "form.outreach-form button[type=submit]")
        assert "/q/m/" in phone.url
        private.append(phone.url)
    shoot(phone, "sent")
    first, second, third = Message.objects.order_by("received_at", "pk")

    # The deputy answers the first and turns the two others into one suggestion.
    page.goto(f"{server.url}/my/outreach/")
    assert page.locator(".outreach-item").count() == 3
    shoot(page, "inbox")
    page.set_viewport_size(SIZES["phone"])
    click_and_wait(page, f"[data-message='{first.pk}'] .outreach-excerpt a")
    assert "13800138000" in page.inner_text("main")
    page.fill("#id_text", "已联系莘庄镇市政所，路灯本周内修复。")
    shoot(page, "message")
    page.set_viewport_size(SIZES["phone"])
    click_and_wait(page, "form[action$='/answer/'] button[type=submit]")
    page.goto(f"{server.url}/my/outreach/")
    page.check(f"[data-message='{second.pk}'] input[name=messages]")
    page.check(f"[data-message='{third.pk}'] input[name=messages]")
    click_and_wait(page, "form.outreach-suggest button[type=submit]")
    draft = Submission.objects.get()
    assert page.url.endswith(f"/my/submissions/{draft.pk}/")
    assert "遮雨棚" in page.input_value("#id_text") and "站台太窄" in page.input_value("#id_text")
    shoot(page, "draft")
    submissions.submit(actor=user, now=draft.created_at, submission=draft)  # as the draft page's button does

    # The residents' private links: the answer, and the suggestion's stage.
    phone.goto(private[0])
    assert "已联系莘庄镇市政所" in phone.inner_text("main")
    shoot(phone, "answered")
    phone.goto(private[1])
    before = phone.inner_text(".outreach-stage")

    # The office records the suggestion as an item and registers it: the stage moves on.
    item = submissions.register(actor=office, now=draft.created_at, submission=draft, number="2026-001")
    register_item(actor=office, now=draft.created_at, item=item)
    phone.reload()
    after = phone.inner_text(".outreach-stage")
    assert before != after
    assert phone.locator(".outreach-stage").get_attribute("data-state") == "suggestion"
    shoot(phone, "registered")
    phone.goto(private[2])
    assert phone.inner_text(".outreach-stage") == after  # both messages feed the one suggestion
    resident.close()

    # The office's counts, and the deputy's messages with the resident's phone.
    context, desk = as_another(browser, server, "office")
    desk.goto(f"{server.url}/office/outreach/")
    cells = desk.locator(f"[data-deputy='{deputy.pk}'] td").all_inner_texts()
    assert cells == ["3", "1", "2", "0"]  # received, answered, turned into suggestions, waiting
    shoot(desk, "counts")
    desk.goto(f"{server.url}/office/outreach/deputies/{deputy.pk}/")
    assert "13800138000" in desk.inner_text("main")
    shoot(desk, "office-messages")
    context.close()
