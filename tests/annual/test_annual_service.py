import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from districts.models import Body
from reports.annual import annual_report, annual_reports, default_as_of
from tests.factories import ItemFactory
from workflow.models import FollowUp, Reply

from .builders import at, handled_item, outcome, rating

D = dt.date


def report(district, **kw):
    kw.setdefault("year", 2017)
    kw.setdefault("body", "cppcc")
    kw.setdefault("precision", 0)
    return annual_report(district=district, **kw)


def test_a_year_without_items_has_counts_of_zero_and_no_rates(district):
    r = report(district)
    assert r["total"] == r["replied"] == r["rated"] == 0
    assert r["resolution_rate"] is None
    assert r["completion_rate"] is None
    assert r["disclosure_rate"] is None
    assert [row["percent"] for row in r["by_outcome"]] == [None, None, None]
    assert [row["count"] for row in r["ratings"]] == [0, 0, 0, 0]
    assert r["previous_year"] is None
    assert r["praised_change"] is None


def test_only_registered_items_count_but_all_are_received(district):
    handled_item(district, replies=[("A", D(2017, 5, 1))])
    ItemFactory(district=district, year=2017, review="rejected", rejection_reason="不属于政府职责", state="rejected")
    r = report(district)
    assert (r["received"], r["total"], r["replied"]) == (2, 1, 1)


def test_an_item_is_replied_only_when_every_lead_has_replied(district):
    handled_item(district, leads=2, replies=[("A", D(2017, 5, 1)), None])
    handled_item(district, leads=2, replies=[("A", D(2017, 5, 1)), ("C", D(2017, 5, 2))])
    r = report(district)
    assert (r["total"], r["replied"], r["not_replied"]) == (2, 1, 1)
    # The split item takes the least resolved outcome of its leads.
    assert [row["count"] for row in r["by_outcome"]] == [0, 0, 1]
    assert r["units_involved"] == 4


def test_a_reply_sent_after_as_of_does_not_count(district):
    handled_item(district, replies=[("A", D(2017, 5, 1))])
    handled_item(district, replies=[("A", D(2017, 9, 1))])
    assert report(district, as_of=D(2017, 6, 30))["replied"] == 1
    assert report(district, as_of=D(2017, 12, 31))["replied"] == 2


def test_a_conversion_after_as_of_is_not_counted_but_shows_against_the_rate_at_reply(district, handler):
    item = handled_item(district, replies=[("B", D(2017, 5, 1))])
    handled_item(district, replies=[("A", D(2017, 5, 1))])
    reply = Reply.objects.get(assignment__item=item)
    reply.category = outcome(district, "A")
    reply.save(update_fields=["category"])
    FollowUp.objects.create(
        item=item,
        reply=reply,
        progress="已完成",
        converted_from=outcome(district, "B"),
        converted_to=outcome(district, "A"),
        reported_by=handler,
        reported_at=at(D(2017, 10, 1)),
    )
    before = report(district, as_of=D(2017, 9, 30))
    after = report(district, as_of=D(2017, 12, 31))
    assert (before["resolution_rate"], before["resolution_rate_at_reply"]) == (50, 50)
    assert (after["resolution_rate"], after["resolution_rate_at_reply"]) == (100, 50)
    assert [row["percent"] for row in after["by_outcome"]] == [100, 0, 0]


def test_changes_are_against_the_previous_year(district):
    handled_item(district, year=2016, replies=[("A", D(2016, 5, 1))], closed_on=D(2016, 6, 1), praised=True)
    handled_item(district, year=2016, replies=[("C", D(2016, 5, 1))])
    handled_item(district, replies=[("A", D(2017, 5, 1))], closed_on=D(2017, 6, 1), praised=True)
    handled_item(district, replies=[("A", D(2017, 5, 1))], praised=True)
    r = report(district)
    assert r["previous_year"]["resolution_rate"] == 50
    assert r["resolution_rate"] == 100
    assert r["resolution_rate_change"] == 50
    assert r["completion_rate_change"] == 0
    assert (r["praised"], r["praised_change"]) == (2, 1)


def test_ratings_use_the_latest_round(district):
    item = handled_item(district, replies=[("A", D(2017, 5, 1))], rating_code="poor")
    fb = item.feedback.get()
    fb.pk, fb.round, fb.rating = None, 2, rating(district, "good")
    fb.save()
    r = report(district)
    assert r["rated"] == 1
    assert [row["count"] for row in r["ratings"]] == [1, 0, 0, 0]


def test_the_query_count_does_not_grow_with_the_items(district):
    handled_item(district, replies=[("A", D(2017, 5, 1))])
    with CaptureQueriesContext(connection) as few:
        report(district)
    for _ in range(5):
        handled_item(district, leads=2, replies=[("A", D(2017, 5, 1)), ("B", D(2017, 5, 1))], rating_code="good")
    with CaptureQueriesContext(connection) as many:
        report(district)
    # scheme+scale, outcomes, ratings, categories, items (with received), previous items, units, 2× obligations
    assert len(few) == len(many) == 9


def test_as_of_defaults_to_31_december_for_a_past_year():
    assert default_as_of(2017, today=D(2026, 3, 1)) == D(2017, 12, 31)
    assert default_as_of(2026, today=D(2026, 3, 1)) == D(2026, 3, 1)


def test_outcomes_keep_their_place_at_the_largest_order_a_scheme_can_hold(district):
    # The per-item lead facts travel packed in one integer; the widest orders must come back intact.
    scheme = outcome(district, "A").scheme
    for i, category in enumerate(scheme.categories.order_by("-sort_order")):
        category.sort_order = 32767 - i
        category.save(update_fields=["sort_order"])
    handled_item(district, leads=2, replies=[("A", D(2017, 5, 1)), ("B", D(2017, 5, 2))])
    item = handled_item(district, replies=[("C", D(2017, 5, 1))])
    Reply.objects.filter(assignment__item=item).update(published_at=at(D(2017, 5, 3)))
    r = report(district)
    assert [row["count"] for row in r["by_outcome"]] == [0, 1, 1]
    assert (r["replied"], r["disclosed"]) == (2, 1)


def test_the_outcome_is_the_reply_s_own_category_after_a_second_reply_and_a_correction(district):
    # 两次答复 converted B to A on the reply itself; the office then corrected the reply back to B
    # (答复类型不当). The second reply is a delivery, not the outcome: the report shows B, as the services do.
    item = handled_item(district, replies=[("B", D(2017, 5, 1))])
    original = Reply.objects.get(assignment__item=item)
    Reply.objects.create(
        assignment=original.assignment,
        kind=Reply.Kind.SECOND,
        state="sent",
        category=outcome(district, "A"),
        category_at_reply=outcome(district, "A"),
        sent_at=at(D(2017, 9, 1)),
    )
    FollowUp.objects.create(
        item=item,
        reply=original,
        progress="项目已交付",
        converted_from=outcome(district, "B"),
        converted_to=outcome(district, "A"),
        reported_at=at(D(2017, 9, 1)),
    )
    r = report(district)
    assert [row["count"] for row in r["by_outcome"]] == [0, 1, 0]
    # Before the second reply, its conversion is undone: B then too.
    assert [row["count"] for row in report(district, as_of=D(2017, 8, 1))["by_outcome"]] == [0, 1, 0]


def test_no_districts_make_no_reports(db):
    assert annual_reports(districts=[], year=2017, body=Body.CPPCC) == {}
