"""The portal's index follows publication: written when a reply is published, rewritten or removed
when the office corrects the item, rebuilt from scratch the same way."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from portal.models import PublishedReply
from portal.search import pairs_literal, words
from proposals.models import Item
from workflow.services.closing import correct_item

pytestmark = pytest.mark.django_db


def test_words_are_cut_into_overlapping_pairs_and_short_words_are_left_out():
    assert pairs_literal("交通拥堵，交通") == "'交通' '拥堵' '通拥'"
    assert pairs_literal("Ｇ60 科创") == "'60' 'g6' '科创'"  # full-width folded, lower-cased; punctuation ends a run
    assert words("  交 通拥堵 G60 ") == ["通拥堵", "g60"]


def test_publishing_a_reply_writes_its_row_with_the_title_and_the_reply(make_reply, district, unit):
    reply = make_reply(title="关于改善公交线路的建议", text="区交通委已增设两条线路。")
    row = PublishedReply.objects.get()
    assert (row.reply_id, row.item_id, row.district_id, row.unit_id) == (
        reply.pk,
        reply.assignment.item_id,
        district.pk,
        unit.pk,
    )
    assert (row.year, row.body, row.published_at) == (2026, "cppcc", reply.published_at)
    assert row.document == "关于改善公交线路的建议\n区交通委已增设两条线路。"
    if connection.vendor == "postgresql":
        assert "'交通'" in row.pairs and "'公交'" in row.pairs


def test_nothing_unpublished_is_indexed(make_reply):
    make_reply(title="草稿", send=False)
    make_reply(title="已答复未公开", publish=False)
    make_reply(title="依申请公开", disclosure=Item.Disclosure.ON_REQUEST)
    assert not PublishedReply.objects.exists()


def test_a_corrected_title_is_indexed_again_and_withdrawn_consent_takes_the_row_down(make_reply, office):
    item = make_reply(title="关于道路的建议").assignment.item
    correct_item(actor=office, now=timezone.now(), item=item, reason="错字", title="关于道路养护的建议")
    assert PublishedReply.objects.get().document.startswith("关于道路养护的建议")
    correct_item(actor=office, now=timezone.now(), item=item, reason="代表撤回同意", disclosure=Item.Disclosure.PRIVATE)
    assert not PublishedReply.objects.exists()


def test_the_rebuild_writes_the_same_rows(make_reply):
    make_reply(title="关于公园的建议")
    make_reply(title="关于菜场的建议")
    before = list(PublishedReply.objects.order_by("pk").values())
    PublishedReply.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_portal_index", stdout=out)
    assert out.getvalue().strip() == "2 published replies indexed."
    assert list(PublishedReply.objects.order_by("pk").values()) == before


def test_past_replies_imported_as_published_are_indexed(district, tmp_path, settings):
    """The spreadsheet's 是否公开 = 是: the import's rows reach the portal like a reply published today."""
    from tests.importing.minhang import rows_2017
    from tests.importing.sheets import HEADER_ZH, xlsx_bytes
    from workflow.models import Reply

    sheet = tmp_path / "2017.xlsx"
    sheet.write_bytes(xlsx_bytes(HEADER_ZH, rows_2017()))
    call_command("import_items", str(sheet), "--district", "minhang", stdout=io.StringIO())
    published = set(Reply.objects.published().values_list("pk", flat=True))
    assert published and set(PublishedReply.objects.values_list("reply_id", flat=True)) == published
