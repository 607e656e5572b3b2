"""A member of the public, without logging in, finds a published reply on the portal.

On a phone she searches a two-character word of a title, opens the item, reads the reply and
downloads the letter published with it; the reply not yet published with the same word, and the
reply's internal file, never show. On a laptop she reads the district's yearly list.
Screenshots at 1366x768 and 390x844 go to /tmp/shots/portal-*.png (SHOTS to move them).
"""

import pytest
from django.core.cache import cache

from ..portal.conftest import handle
from .screens import SIZES, shooter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

shoot = shooter("portal")


def test_the_public_finds_a_published_reply_by_two_characters_of_its_title(
    browser, page, server, settings, tmp_path, office, handler, head, proposer, unit, district
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    cache.clear()
    people = {"office": office, "handler": handler, "head": head, "proposer": proposer, "unit": unit}
    parking = handle(
        **people,
        title="关于缓解老旧小区停车难的建议",
        text="经研究，区交通委会同街道新增公共泊位三百个，并推进错峰共享停车。",
        files=["答复函.pdf", "内部请示.pdf"],
        public_files=["答复函.pdf"],
    )
    handle(**people, title="关于增设社区食堂的建议", text="区民政局已将社区食堂列入年度实事项目。")
    handle(**people, title="关于医院周边停车的建议", publish=False)

    page.set_viewport_size(SIZES["phone"])
    page.goto(f"{server.url}/public/")
    assert district.name in page.locator(".portal-districts").inner_text()
    shoot(page, "home")

    page.set_viewport_size(SIZES["phone"])
    page.fill("input[name=q]", "停车")
    with page.expect_navigation():
        page.click("form.portal-quick button[type=submit]")
    results = page.locator(".portal-results li")
    assert results.count() == 1
    assert "关于缓解老旧小区停车难的建议" in results.inner_text()
    assert "医院周边" not in page.content()
    shoot(page, "search")

    page.set_viewport_size(SIZES["phone"])
    with page.expect_navigation():
        page.click(".portal-result-title")
    assert page.url.startswith(f"{server.url}/public/items/{parking.assignment.item_id}/")
    article = page.locator("article.portal-item").inner_text()
    for shown in ("关于缓解老旧小区停车难的建议", proposer.name, "新增公共泊位三百个", "答复函.pdf", unit.name):
        assert shown in article
    assert "内部请示.pdf" not in article
    shoot(page, "item")
    with page.expect_download() as download:
        page.click("text=答复函.pdf")
    assert download.value.suggested_filename == "答复函.pdf"

    # The reply's words search too, and a single character asks for more.
    page.goto(f"{server.url}/public/{district.code}/?q=泊位")
    assert page.locator(".portal-results li").count() == 1
    page.goto(f"{server.url}/public/search/?q=车")
    assert page.locator(".message-warning").count() == 1

    page.goto(f"{server.url}/public/{district.code}/2026/")
    titles = page.locator(".portal-result-title").all_inner_texts()
    assert sorted(titles) == ["关于增设社区食堂的建议", "关于缓解老旧小区停车难的建议"]
    shoot(page, "year")
