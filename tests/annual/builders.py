"""Build handled items directly in the tables, for report tests (the workflow's rules are tested elsewhere)."""

import datetime as dt

from django.utils import timezone

from tests.factories import ItemFactory, ProposerFactory, UnitFactory
from workflow.models import Assignment, BodySetting, Feedback, Reply


def at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def outcome(district, code, body="cppcc"):
    return BodySetting.objects.get(district=district, body=body).scheme.categories.get(code=code)


def rating(district, code, body="cppcc"):
    return BodySetting.objects.get(district=district, body=body).rating_scale.values.get(code=code)


def handled_item(district, *, year=2017, leads=1, replies=(), closed_on=None, rating_code=None, praised=False, **kw):
    """An item with `leads` lead units; `replies` gives (code, sent_on) per lead, None for an unreplied lead."""
    item = ItemFactory(district=district, year=year, review="registered", state="handling", **kw)
    role = Assignment.Role.SPLIT_LEAD if leads > 1 else Assignment.Role.LEAD
    for i in range(leads):
        a = Assignment.objects.create(
            item=item,
            unit=UnitFactory(district=district),
            role=role,
            state="accepted",
            assigned_at=at(dt.date(year, 2, 1)),
        )
        spec = replies[i] if i < len(replies) else None
        if spec:
            code, sent_on = spec
            cat = outcome(district, code, item.body)
            Reply.objects.create(assignment=a, state="sent", category=cat, category_at_reply=cat, sent_at=at(sent_on))
    if closed_on:
        item.state, item.closed_at = "closed", at(closed_on)
        item.save(update_fields=["state", "closed_at"])
    if rating_code or praised:
        Feedback.objects.create(
            item=item,
            proposer=ProposerFactory(district=district),
            rating=rating(district, rating_code, item.body) if rating_code else None,
            praised=praised,
            submitted_at=at(replies[0][1] if replies and replies[0] else dt.date(year, 6, 1)),
        )
    return item
