"""The Minhang 2017 CPPCC report (seeds/) as the yearly report's JSON contract, domain §7.

The 2017 figures are the seed's; of last year's only the 39 praised items are in the seed,
the other previous-year rates are made up so that every kind of comparison shows.
"""

import copy
import datetime as dt

import pytest
from django.utils import timezone

from districts.models import UnitContact
from proposals.models import Item
from tests.factories import ItemFactory, ProposerFactory, UnitFactory
from workflow.models import Assignment, BodySetting, Event, Feedback, Obligation, Reply

MINHANG_2017 = {
    "district": "minhang",
    "year": 2017,
    "body": "cppcc",
    "kind": None,
    "as_of": "2017-12-05",
    "precision": 0,
    "total": 210,
    "replied": 210,
    "not_replied": 0,
    "units_involved": 53,
    "by_category": [
        {"code": "1", "label": "经济", "count": 37, "percent": 17},
        {"code": "2", "label": "城市建设和管理", "count": 88, "percent": 42},
        {"code": "3", "label": "教科文卫体", "count": 31, "percent": 15},
        {"code": "4", "label": "综合", "count": 54, "percent": 26},
    ],
    "by_outcome": [
        {"code": "A", "label": "解决或采纳", "count": 170, "percent": 81},
        {"code": "B", "label": "列入计划拟解决", "count": 15, "percent": 7},
        {"code": "C", "label": "留作参考", "count": 25, "percent": 12},
    ],
    "resolution_rate": 81,
    "resolution_rate_at_reply": 81,
    "resolution_rate_change": 3,
    "completion_rate": 96,
    "closed": 201,
    "ratings": [
        {"code": "good", "label": "好", "count": 166, "percent": 85},
        {"code": "fair", "label": "较好", "count": 26, "percent": 13},
        {"code": "average", "label": "一般", "count": 3, "percent": 2},
        {"code": "poor", "label": "差", "count": 0, "percent": 0},
    ],
    "rated": 195,
    "praised": 51,
    "praised_change": 12,
    "key_items": 10,
    "key_items_closed": 9,
    "disclosed": 3,
    "disclosure_rate": 1,
    "disclosure_rate_change": -1,
    "previous_year": {
        "year": 2016,
        "total": 210,
        "resolution_rate": 78,
        "resolution_rate_at_reply": 78,
        "completion_rate": 96,
        "disclosure_rate": 2,
        "praised": 39,
    },
}


@pytest.fixture
def minhang_report():
    return copy.deepcopy(MINHANG_2017)


# --- a district's work in 2026, built directly with the ORM (not through the services) --------------

AS_OF = dt.date(2026, 6, 30)


def at(day: dt.date, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def obligation(item, assignment, kind, due_on, *, done_on=None, on_time=None, round=1):
    return Obligation.objects.create(
        item=item,
        assignment=assignment,
        kind=kind,
        round=round,
        owner=Obligation.Owner.UNIT,
        unit=assignment.unit,
        starts_on=assignment.assigned_at.date(),
        due_on=due_on,
        fulfilled_at=at(done_on) if done_on else None,
        on_time=on_time if done_on else None,
    )


def assign(item, unit, role=Assignment.Role.LEAD, **fields):
    fields.setdefault("state", Assignment.State.ACCEPTED)
    return Assignment.objects.create(item=item, unit=unit, role=role, assigned_at=at(dt.date(2026, 2, 1)), **fields)


def sent_reply(assignment, code, sent_on):
    category = BodySetting.objects.get(district=assignment.item.district, body="cppcc").scheme.categories.get(code=code)
    return Reply.objects.create(
        assignment=assignment,
        state=Reply.State.SENT,
        category=category,
        category_at_reply=category,
        sent_at=at(sent_on),
    )


def feedback(item, proposer, rating_code, *, agrees=True, praised=False, on=dt.date(2026, 6, 10), comment="", round=1):
    scale = BodySetting.objects.get(district=item.district, body="cppcc").rating_scale
    return Feedback.objects.create(
        item=item,
        proposer=proposer,
        round=round,
        rating=scale.values.get(code=rating_code),
        agrees=agrees,
        praised=praised,
        comment=comment,
        submitted_at=at(on),
    )


@pytest.fixture
def unit_work(district, unit, other_unit, proposer):
    """Three units: 经委 late with a reply, 科委 late to accept and overdue now, 教育局 on time but disputed."""
    education = UnitFactory(district=district, name="区教育局", short_name="教育局", sort_order=99)
    unit.sort_order, other_unit.sort_order = 1, 2
    unit.save(update_fields=["sort_order"])
    other_unit.save(update_fields=["sort_order"])
    registered = {"district": district, "review": Item.Review.REGISTERED, "state": Item.State.HANDLING}
    first = ItemFactory(number="0001", title="关于加快产业园区转型的建议", **registered)
    second = ItemFactory(number="0002", title="关于科创企业孵化的建议", **registered)
    third = ItemFactory(number="0003", title="关于学校周边交通的建议", **registered)

    # 0001: 经委 leads (accepted and consulted on time, replied 5 days late), 科委 co-handles on time.
    a1 = assign(first, unit)
    obligation(first, a1, "acceptance", dt.date(2026, 2, 8), done_on=dt.date(2026, 2, 3), on_time=True)
    obligation(first, a1, "consultation", dt.date(2026, 3, 1), done_on=dt.date(2026, 2, 20), on_time=True)
    obligation(first, a1, "reply", dt.date(2026, 5, 10), done_on=dt.date(2026, 5, 15), on_time=False)
    sent_reply(a1, "A", dt.date(2026, 5, 15))
    feedback(first, proposer, "good", praised=True)
    co = assign(first, other_unit, role=Assignment.Role.CO)
    obligation(first, co, "co_opinion", dt.date(2026, 3, 1), done_on=dt.date(2026, 2, 25), on_time=True)

    # 0002: 科委 leads, accepted late in February, reply due 20 June and still open on 30 June.
    a2 = assign(second, other_unit)
    obligation(second, a2, "acceptance", dt.date(2026, 2, 8), done_on=dt.date(2026, 2, 12), on_time=False)
    obligation(second, a2, "reply", dt.date(2026, 6, 20))

    # 0003: 经委 returned it, 教育局 took it on time; the office sent the reply back once; the member disagrees.
    assign(
        third,
        unit,
        state=Assignment.State.RETURNED,
        returned_at=at(dt.date(2026, 2, 3)),
        return_reason="不属于本单位职责",
    )
    a3 = assign(third, education)
    obligation(third, a3, "acceptance", dt.date(2026, 2, 8), done_on=dt.date(2026, 2, 4), on_time=True)
    obligation(third, a3, "reply", dt.date(2026, 5, 10), done_on=dt.date(2026, 5, 6), on_time=True)
    sent_reply(a3, "C", dt.date(2026, 5, 6))
    Event.objects.create(
        item=third,
        assignment=a3,
        action="reply.sent_back",
        at=at(dt.date(2026, 5, 3)),
        data={"reply": 1, "step": "awaiting_office", "reason": "答复类型不当"},
    )
    Event.objects.create(
        item=third,
        assignment=a3,
        action="reply.sent_back",
        at=at(dt.date(2026, 5, 2)),
        data={"reply": 1, "step": "awaiting_head", "reason": "请补充办理措施"},
    )
    feedback(third, proposer, "average", agrees=False, comment="未解决实际问题")

    # 经委 changed its contact person in March.
    UnitContact.objects.create(unit=unit, name="王联络员", started_on=dt.date(2025, 1, 1), ended_on=dt.date(2026, 3, 1))
    UnitContact.objects.create(unit=unit, name="李联络员", started_on=dt.date(2026, 3, 1))
    return {"经委": unit, "科委": other_unit, "教育局": education}


def busy_units(district, count):
    """`count` units, each leading one item with an open reply overdue, a reply sent and a rating."""
    proposer = ProposerFactory(district=district)
    units = []
    for n in range(count):
        unit = UnitFactory(district=district)
        item = ItemFactory(district=district, review=Item.Review.REGISTERED, state=Item.State.HANDLING)
        lead = assign(item, unit)
        obligation(item, lead, "acceptance", dt.date(2026, 2, 8), done_on=dt.date(2026, 2, 3), on_time=bool(n % 2))
        obligation(item, lead, "reply", dt.date(2026, 6, 1))
        sent_reply(lead, "B", dt.date(2026, 5, 1))
        feedback(item, proposer, "fair", agrees=bool(n % 2))
        co = assign(item, UnitFactory(district=district), role=Assignment.Role.CO)
        obligation(item, co, "co_opinion", dt.date(2026, 4, 1), done_on=dt.date(2026, 4, 10), on_time=False)
        UnitContact.objects.create(unit=unit, name="甲", started_on=dt.date(2025, 1, 1), ended_on=dt.date(2026, 4, 1))
        UnitContact.objects.create(unit=unit, name="乙", started_on=dt.date(2026, 4, 1))
        units.append(unit)
    return units
