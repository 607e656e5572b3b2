"""The item query's per-lead and per-item facts at their edges: which reply counts, which conversion, which rating."""

import datetime as dt

from reports.annual import annual_report
from tests.factories import ProposerFactory, UnitFactory
from workflow.models import Assignment, Feedback, FollowUp, Reply

from .builders import at, handled_item, outcome

D = dt.date


def report(district, **kw):
    kw.setdefault("year", 2017)
    kw.setdefault("body", "cppcc")
    kw.setdefault("precision", 0)
    return annual_report(district=district, **kw)


def outcome_counts(r):
    return [row["count"] for row in r["by_outcome"]]


def test_a_re_handling_round_s_reply_is_the_outcome_and_the_first_reply_stays_the_rate_at_reply(district):
    item = handled_item(district, replies=[("C", D(2017, 5, 1))])
    first = Reply.objects.get(assignment__item=item)
    Reply.objects.create(
        assignment=first.assignment,
        round=2,
        state="sent",
        category=outcome(district, "A"),
        category_at_reply=outcome(district, "A"),
        sent_at=at(D(2017, 8, 1)),
    )
    r = report(district)
    assert outcome_counts(r) == [1, 0, 0]
    assert (r["resolution_rate"], r["resolution_rate_at_reply"]) == (100, 0)
    # Before the second round's reply was sent, the first one is the outcome.
    assert outcome_counts(report(district, as_of=D(2017, 6, 30))) == [0, 0, 1]


def test_of_two_conversions_after_the_date_the_earliest_is_undone(district, handler):
    item = handled_item(district, replies=[("A", D(2017, 5, 1))])
    reply = Reply.objects.get(assignment__item=item)
    for day, was, became in ((D(2017, 11, 1), "C", "A"), (D(2017, 10, 1), "B", "C")):
        FollowUp.objects.create(
            item=item,
            reply=reply,
            progress="已完成",
            converted_from=outcome(district, was),
            converted_to=outcome(district, became),
            reported_by=handler,
            reported_at=at(day),
        )
    assert outcome_counts(report(district, as_of=D(2017, 9, 30))) == [0, 1, 0]
    assert outcome_counts(report(district, as_of=D(2017, 10, 15))) == [0, 0, 1]
    assert outcome_counts(report(district, as_of=D(2017, 12, 31))) == [1, 0, 0]


def test_a_returned_lead_neither_holds_the_item_back_nor_counts_its_reply(district):
    item = handled_item(district, replies=[("A", D(2017, 5, 1))])
    returned = Assignment.objects.create(
        item=item,
        unit=UnitFactory(district=district),
        role=Assignment.Role.LEAD,
        state="returned",
        return_reason="不属于本单位职责",
        returned_at=at(D(2017, 4, 2)),
        assigned_at=at(D(2017, 2, 1)),
    )
    Reply.objects.create(
        assignment=returned,
        state="sent",
        category=outcome(district, "C"),
        category_at_reply=outcome(district, "C"),
        sent_at=at(D(2017, 4, 1)),
    )
    r = report(district)
    assert (r["replied"], outcome_counts(r)) == (1, [1, 0, 0])
    assert r["resolution_rate_at_reply"] == 100


def test_a_split_item_with_one_lead_unreplied_is_not_disclosed_though_a_reply_is_published(district):
    item = handled_item(district, leads=2, replies=[("A", D(2017, 5, 1)), None])
    Reply.objects.filter(assignment__item=item).update(published_at=at(D(2017, 5, 2)))
    r = report(district)
    assert (r["total"], r["replied"], r["disclosed"]) == (1, 0, 0)
    assert outcome_counts(r) == [0, 0, 0]


def test_an_unrated_latest_round_leaves_the_item_unrated_and_praise_of_any_round_counts(district):
    item = handled_item(district, replies=[("A", D(2017, 5, 1))], rating_code="good", praised=True)
    Feedback.objects.create(
        item=item,
        round=2,
        proposer=ProposerFactory(district=district),
        rating=None,
        praised=False,
        submitted_at=at(D(2017, 7, 1)),
    )
    r = report(district)
    assert (r["rated"], r["praised"]) == (0, 1)
    # As of before the second round, the first round's rating counts.
    assert report(district, as_of=D(2017, 6, 30))["rated"] == 1


def test_within_a_round_a_rated_form_comes_before_a_later_unrated_one(district):
    item = handled_item(district, replies=[("A", D(2017, 5, 1))], rating_code="poor")
    Feedback.objects.create(
        item=item,
        proposer=ProposerFactory(district=district),
        rating=None,
        submitted_at=at(D(2017, 7, 1)),
    )
    r = report(district)
    assert r["rated"] == 1
    assert {row["code"]: row["count"] for row in r["ratings"]}["poor"] == 1
