"""The office clerk registers an item handed in on paper, with an attachment, then reviews it and a second one.

The clerk finds the lead proposer and a co-signer through the search, attaches the scan, records the
item and lands on its page with the Review button; on the review screen the similar items of last
year and of the other body are shown; the first item is registered (the assigner then finds it
waiting for assignment), the second merged into it from the hints. Screenshots of each screen at
1366x768 and 390x844 go to /tmp/shots/intake-*.png (SHOTS to move them).
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from districts.models import Body, Proposer
from proposals.models import Item
from workflow.services import intake

from ..factories import ItemFactory, ProposerFactory
from ..workflow.flow import receive
from .screens import SIZES, log_in, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


shoot = shooter("intake")


@pytest.fixture
def members(district):
    """A district's CPPCC members and a party, as many as a real district has."""
    for n in range(1, 200):
        ProposerFactory(district=district, name=f"委员{n:03d}", constituency="经济界" if n % 3 else "教育界")
    return {
        "lead": ProposerFactory(district=district, name="李明华", constituency="医卫界"),
        "co": ProposerFactory(district=district, name="王晓燕", constituency="社会福利界"),
        "party": ProposerFactory(district=district, name="民盟区委", kind=Proposer.Kind.PARTY),
    }


def test_the_office_registers_an_item_from_paper_and_reviews_it_with_the_similar_items_in_view(
    page, server, district, office, proposer, members, tmp_path, settings
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    ItemFactory(district=district, year=2025, number="0031", title="关于完善社区养老服务体系的提案")
    ItemFactory(district=district, body=Body.NPC, number="0007", title="关于加强社区养老服务设施建设的建议")
    ItemFactory(district=district, number="0004")
    page.set_viewport_size(SIZES["wide"])
    log_in(page, server, "office")
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto(f"{server.url}/items/new/")
    assert page.locator("#id_number").input_value() == "0005"  # the next free number of 2026's proposals
    shoot(page, "register-empty")
    # Another body and kind: their own next number, while the clerk has not typed one.
    page.select_option("#id_body", "npc")
    page.select_option("#id_kind", "suggestion")
    expect(page.locator("#id_number")).to_have_value("0008")
    page.select_option("#id_body", "cppcc")
    page.select_option("#id_kind", "proposal")
    expect(page.locator("#id_number")).to_have_value("0005")
    page.fill("#id_title", "关于加强社区养老服务的提案")
    page.fill("#id_text", "建议在各街镇增设社区食堂，推广助餐服务。")
    page.fill("#proposer-search", "李明")
    page.locator("#proposer-results li", has_text="李明华").get_by_role(
        "button", name="李明华", exact=False
    ).first.click()
    page.wait_for_selector("#lead-slot input[name=lead]")
    page.fill("#proposer-search", "王晓")
    page.locator("#proposer-results li", has_text="王晓燕").locator("button").nth(1).click()  # as a co-signer
    page.wait_for_selector("#cosigner-list input[name=cosigners]")
    page.check("input[name=disclosure][value=public]")
    page.set_input_files(
        "#id_attachments", files=[{"name": "提案原件.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 scan"}]
    )
    shoot(page, "register-filled")
    page.click("form.intake-form button[type=submit]")

    item = Item.objects.get(district=district, year=2026, number="0005")
    page.wait_for_url(f"{server.url}/items/{item.pk}/")
    assert "关于加强社区养老服务的提案" in page.locator("h1").inner_text()
    assert "李明华" in page.locator(".item-proposers").inner_text()
    assert "王晓燕" in page.locator(".item-proposers").inner_text()
    assert "提案原件.pdf" in page.locator(".item-files").inner_text()
    assert [p.name for p in item.proposers.order_by("item_links__sort_order")] == ["李明华", "王晓燕"]

    page.click(f".item-acts a[href='/items/{item.pk}/review/']")
    page.wait_for_url(f"{server.url}/items/{item.pk}/review/")
    hints = page.locator(".intake-hints-list .intake-hint-number")
    assert {hints.nth(i).inner_text() for i in range(hints.count())} == {"0031", "0007"}
    shoot(page, "review")
    page.click("form[action$='/review/register/'] button[type=submit]")
    page.wait_for_url(f"{server.url}/items/{item.pk}/")
    item.refresh_from_db()
    assert item.state == Item.State.REGISTERED
    assert page.locator(f".item-acts a[href='/items/{item.pk}/review/']").count() == 0

    # The same request from another member, handed in a day later: merged into the first.
    again = receive(office, members["party"], now=NOW, number="0006", title="关于加强社区养老助餐服务的提案")
    page.goto(f"{server.url}/items/?stage=received&year=")
    page.click(f"a[href='/items/{again.pk}/']")
    page.click(f".item-acts a[href='/items/{again.pk}/review/']")
    row = page.locator(f".intake-hints-list li[data-item='{item.pk}']")
    row.get_by_role("button").click()
    page.wait_for_url(f"{server.url}/items/{again.pk}/")
    again.refresh_from_db()
    assert (again.state, again.merged_into_id) == (Item.State.MERGED, item.pk)
    timeline = page.locator("ol.item-timeline").inner_text()
    assert "0005" in timeline

    # What the assigner sees next: the registered item waits for assignment, the merged one does not.
    page.goto(f"{server.url}/items/?stage=registered&year=")
    assert page.locator(f"tr[data-item='{item.pk}']").count() == 1
    assert page.locator(f"tr[data-item='{again.pk}']").count() == 0
    assert intake  # the services drove the setup only
