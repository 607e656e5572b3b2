"""A deputy hands in an item from her phone with a co-signer; the office registers it.

The deputy (390x844) writes a draft, attaches a file, invites two co-signers: one opens the invitation
in his own browser and co-signs, the other never logs in; she hands the item in. The office finds it
in its queue, confirms for the one who said yes on the phone, records it with the suggested number
and reviews it (立案) as a paper item; the item then shows in the proposers' item lists, and its page
names all three. Screenshots at 1366x768 and 390x844 go to
/tmp/shots/submissions-*.png (SHOTS to move them).
"""

import pytest

from districts.models import Role
from proposals.models import Item
from submissions.models import Submission

from ..factories import MembershipFactory, ProposerFactory, UserFactory
from .screens import SIZES, as_another, log_in, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

shoot = shooter("submissions")
PDF = {"name": "调研报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 a survey"}


@pytest.fixture
def cosigner_user(district):
    for n in range(1, 60):  # a body's members to choose from
        ProposerFactory(district=district, name=f"委员{n:03d}")
    ProposerFactory(district=district, name="王委员")  # never logs in: the office confirms for her
    cosigner = ProposerFactory(district=district, name="李委员")
    user = UserFactory(username="cosigner", full_name="李委员")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=cosigner)
    return user


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_a_deputy_hands_in_an_item_with_a_co_signer_and_the_office_registers_it(
    browser, page, server, settings, tmp_path, office, proposer, proposer_user, cosigner_user
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    page.set_viewport_size(SIZES["phone"])
    log_in(page, server, "member")
    page.wait_for_url(lambda url: "/login/" not in url)

    # The draft.
    page.goto(f"{server.url}/my/submissions/")
    click_and_wait(page, "a[href='/my/submissions/new/']")
    page.fill("#id_title", "关于优化地铁站接驳公交的提案")
    page.fill("#id_text", "建议在莘庄地铁站增设接驳公交线路，缩短换乘距离。")
    page.check("input[name=disclosure][value=public]")
    shoot(page, "new-draft")
    page.set_viewport_size(SIZES["phone"])
    click_and_wait(page, "form.sub-form button[type=submit]")
    submission = Submission.objects.get()
    assert page.url.endswith(f"/my/submissions/{submission.pk}/")

    page.set_input_files("input[name=file]", files=[PDF])
    click_and_wait(page, "form[action$='/files/'] button[type=submit]")
    assert "调研报告.pdf" in page.locator(".sub-files").inner_text()

    page.select_option("select[name=proposer]", label="李委员")
    click_and_wait(page, "form[action$='/invite/'] button[type=submit]")
    assert "李委员" in page.locator(".sub-cosigners").inner_text()
    page.select_option("select[name=proposer]", label="王委员")
    click_and_wait(page, "form[action$='/invite/'] button[type=submit]")
    shoot(page, "draft")
    page.set_viewport_size(SIZES["phone"])

    # The co-signer, in his own browser.
    context, other = as_another(browser, server, "cosigner")
    other.set_viewport_size(SIZES["phone"])
    other.goto(f"{server.url}/my/submissions/")
    click_and_wait(other, ".sub-card-open a")
    assert "关于优化地铁站接驳公交的提案" in other.locator("h1").inner_text()
    shoot(other, "invitation")
    click_and_wait(other, "form[action$='/confirm/'] button[type=submit]")
    assert other.locator(".sub-answer").count() == 0

    # The deputy sees him confirmed and hands the item in.
    page.reload()
    assert page.locator(".sub-cosigner[data-state=confirmed]").count() == 1
    click_and_wait(page, "form.sub-hand-in button[type=submit]")
    assert page.locator("form.sub-hand-in").count() == 0
    assert page.locator("form[action$='/edit/']").count() == 0  # no longer editable
    shoot(page, "handed-in")
    page.set_viewport_size(SIZES["phone"])

    # The office registers it, then reviews it as a paper item.
    office_context, clerk = as_another(browser, server, "office")
    clerk.goto(f"{server.url}/office/submissions/")
    shoot(clerk, "office-queue")
    click_and_wait(clerk, f".sub-card[data-submission='{submission.pk}'] a")
    assert clerk.locator("#id_number").input_value() == "0001"
    shoot(clerk, "office-register")
    wang = clerk.locator(".sub-cosigner", has_text="王委员")
    with clerk.expect_navigation():
        wang.locator("button").click()  # she said yes on the phone
    assert clerk.locator(".sub-cosigner[data-state=confirmed]").count() == 2
    click_and_wait(clerk, "form.sub-register button[type=submit]")
    item = Item.objects.get()
    assert clerk.url.endswith(f"/items/{item.pk}/review/")
    click_and_wait(clerk, "form[action$='/review/register/'] button[type=submit]")
    assert clerk.url.endswith(f"/items/{item.pk}/")
    proposers = clerk.locator(".item-proposers").inner_text()
    assert all(name in proposers for name in ("张委员", "李委员", "王委员"))
    assert "调研报告.pdf" in clerk.locator(".item-files").inner_text()
    office_context.close()

    # Both proposers find it in their item lists.
    for browser_page in (page, other):
        browser_page.goto(f"{server.url}/items/")
        assert "关于优化地铁站接驳公交的提案" in browser_page.locator("main").inner_text()
    page.goto(f"{server.url}/my/submissions/")
    assert "0001" in page.locator(f".sub-card[data-submission='{submission.pk}']").inner_text()
    shoot(page, "mine-registered")
    context.close()
