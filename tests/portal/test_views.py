"""The public portal without a login: only published replies of consenting items show, and nothing
else of an item; lists filter and search at a constant number of queries; pages are cacheable and
an address asking too often is told to wait."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from districts.models import Body
from proposals.models import Item
from tests.factories import CategoryFactory, SessionFactory
from workflow.services import messages

pytestmark = pytest.mark.django_db


def item_url(reply):
    return reverse("portal:item", args=[reply.assignment.item_id])


def test_an_anonymous_reader_sees_the_published_item_and_nothing_else_of_it(client, make_reply, proposer):
    reply = make_reply(
        title="关于优化公交线路的建议",
        text="区交通委已调整两条公交线路。",
        files=["答复函.pdf", "内部请示.pdf"],
        public_files=["答复函.pdf"],
    )
    item = reply.assignment.item
    response = client.get(item_url(reply))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        item.number,
        "关于优化公交线路的建议",
        proposer.name,
        "区交通委已调整两条公交线路。",
        "答复函.pdf",
        "2026-03-02",
    ):
        assert shown in page
    assert "内部请示.pdf" not in page
    assert item.text == "" or item.text not in page


def test_a_draft_an_unpublished_reply_and_another_consent_are_not_found(client, make_reply):
    for reply in (
        make_reply(title="草稿", send=False),
        make_reply(title="已答复未公开", publish=False),
        make_reply(title="依申请公开", disclosure=Item.Disclosure.ON_REQUEST),
    ):
        assert client.get(item_url(reply)).status_code == 404
    assert client.get(reverse("portal:item", args=[999999])).status_code == 404


def test_only_the_files_published_with_the_reply_download(client, make_reply):
    reply = make_reply(title="关于路灯的建议", files=["答复函.pdf", "内部请示.pdf"], public_files=["答复函.pdf"])
    files = {a.original_name: a for a in reply.attachments.all()}
    response = client.get(reverse("portal:attachment", args=[files["答复函.pdf"].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 reply letter"
    assert client.get(reverse("portal:attachment", args=[files["内部请示.pdf"].pk])).status_code == 404
    unpublished = make_reply(title="未公开", publish=False, files=["函.pdf"], public_files=[])
    assert client.get(reverse("portal:attachment", args=[unpublished.attachments.get().pk])).status_code == 404


def test_a_message_with_the_unit_never_shows(client, make_reply, proposer_user, unit):
    reply = make_reply(title="关于绿化的建议")
    messages.send_message(
        actor=proposer_user, now=reply.sent_at, item=reply.assignment.item, unit=unit, text="请问何时完工"
    )
    assert "请问何时完工" not in client.get(item_url(reply)).content.decode()


def test_the_yearly_list_and_the_filters(client, make_reply, district, other_unit, office, handler, head, proposer):
    session = SessionFactory(district=district, body=Body.CPPCC, year=2026, label="六届五次")
    category = CategoryFactory(district=district, name="城建交通")
    first = make_reply(title="关于停车难的建议", session=session, category=category)
    second = make_reply(title="关于学校的建议")
    url = reverse("portal:year", args=[district.code, 2026])
    page = client.get(url).content.decode()
    assert "关于停车难的建议" in page and "关于学校的建议" in page
    for params in ({"session": session.pk}, {"category": category.pk}, {"unit": first.assignment.unit_id}):
        page = client.get(url, params).content.decode()
        assert "关于停车难的建议" in page, params
        if "unit" not in params:
            assert "关于学校的建议" not in page, params
    assert "关于停车难的建议" not in client.get(url, {"body": "npc"}).content.decode()
    assert "关于学校的建议" not in client.get(reverse("portal:year", args=[district.code, 2025])).content.decode()
    assert second.assignment.item.title in client.get(reverse("portal:search")).content.decode()
    assert client.get(reverse("portal:year", args=["nowhere", 2026])).status_code == 404


def test_a_word_of_one_character_is_not_looked_up(client, make_reply):
    make_reply(title="关于停车难的建议")
    with translation.override("en"):
        page = client.get(reverse("portal:search"), {"q": "车"}, HTTP_COOKIE="django_language=en").content.decode()
    assert "two characters or more" in page


@pytest.mark.services
def test_the_search_finds_an_item_by_two_characters_of_its_title_or_of_its_reply(client, make_reply):
    """On PostgreSQL the character pairs' GIN index answers (`portal.search`), not the fallback."""
    assert connection.vendor == "postgresql"
    parking = make_reply(title="关于缓解停车难的建议", text="已新增泊位三百个。")
    make_reply(title="关于学校扩建的建议", text="教育局已列入计划。")
    url = reverse("portal:search")
    for word in ("停车", "泊位", "新增泊位", "缓解 泊位"):
        page = client.get(url, {"q": word}).content.decode()
        assert parking.assignment.item.title in page, word
        assert "关于学校扩建的建议" not in page, word
    for word in ("车难停", "泊车", "停车 教育"):
        assert "关于缓解停车难的建议" not in client.get(url, {"q": word}).content.decode(), word


def test_list_pages_run_at_most_six_queries_at_any_size(client, make_reply, district, django_assert_max_num_queries):
    urls = [
        reverse("portal:home"),
        reverse("portal:search") + "?q=建议",
        reverse("portal:district", args=[district.code]) + "?q=建议&body=cppcc",
        reverse("portal:year", args=[district.code, 2026]),
        reverse("portal:on_request", args=[district.code]),
    ]
    for count in (2, 10):
        while Item.objects.count() < count:
            n = Item.objects.count()
            make_reply(title=f"关于第{n}件事的建议", disclosure=["public", "on_request"][n % 2], publish=n % 2 == 0)
        for url in urls:
            with django_assert_max_num_queries(6):
                response = client.get(url)
            assert response.status_code == 200
            assert ("的建议" if url != urls[0] else district.name) in response.content.decode()


def test_more_than_a_page_continues_on_the_next(client, make_reply, district, settings):
    from web.portal import views

    views_page = views.PAGE_SIZE
    views.PAGE_SIZE = 2
    try:
        for n in range(3):
            make_reply(title=f"关于第{n}号事项的建议")
        url = reverse("portal:year", args=[district.code, 2026])
        first = client.get(url).content.decode()
        assert 'rel="next"' in first and first.count("portal-result-title") == 2
        last = client.get(url, {"page": 2}).content.decode()
        assert 'rel="next"' not in last and last.count("portal-result-title") == 1
    finally:
        views.PAGE_SIZE = views_page


def test_pages_may_be_cached_but_not_found_is_not(client, make_reply):
    reply = make_reply(title="关于路面的建议")
    for url in (reverse("portal:home"), item_url(reply), reverse("portal:sitemap")):
        response = client.get(url)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"], url
        assert "Cookie" in response["Vary"]
    missing = client.get(reverse("portal:item", args=[999999]))
    assert "no-store" in missing["Cache-Control"]


def test_the_sitemap_lists_every_published_item_and_yearly_list(client, make_reply, district):
    reply = make_reply(title="关于菜场的建议")
    hidden = make_reply(title="未公开", publish=False)
    index = client.get(reverse("portal:sitemap")).content.decode()
    assert "sitemap-items.xml" in index and "sitemap-years.xml" in index
    items = client.get(reverse("portal:sitemap_section", args=["items"])).content.decode()
    assert item_url(reply) in items and item_url(hidden) not in items
    years = client.get(reverse("portal:sitemap_section", args=["years"])).content.decode()
    assert reverse("portal:year", args=[district.code, 2026]) in years


def test_an_address_asking_too_often_is_told_to_wait(client, settings):
    settings.PORTAL_RATE_LIMIT = "3/m"
    url = reverse("portal:home")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    with translation.override("en"):
        response = client.get(url, HTTP_COOKIE="django_language=en")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    assert "Too many requests" in response.content.decode()
    other = client.get(url, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_replies_disclosed_on_request_are_listed_with_the_way_to_ask(client, make_reply, district):
    asked = make_reply(title="关于菜市场改造的建议", disclosure=Item.Disclosure.ON_REQUEST, publish=False)
    make_reply(title="关于已公开事项的建议")
    make_reply(title="关于未答复事项的建议", disclosure=Item.Disclosure.ON_REQUEST, send=False)
    page = client.get(reverse("portal:on_request", args=[district.code])).content.decode()
    assert "关于菜市场改造的建议" in page
    assert "关于已公开事项的建议" not in page and "关于未答复事项的建议" not in page
    request_url = reverse("disclosure:request", args=[asked.assignment.item_id])
    assert request_url in page
    assert client.get(request_url).status_code == 200
    assert "经研究" not in page  # the reply itself is sent to who asks, never shown here
    assert (
        reverse("portal:on_request", args=[district.code])
        in client.get(reverse("portal:district", args=[district.code])).content.decode()
    )
