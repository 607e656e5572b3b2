"""The unit head hears of the unit's opinion on a city item (市办会办件) waiting for their approval (#16):
once per submission, when it commits, linking to the page where they approve it or send it back.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from districts.models import Role
from notifications.events import notify_event
from notifications.models import Notification, NotificationKind
from notifications.texts import render
from proposals.models import Item, Kind
from tests.factories import ItemFactory, MembershipFactory, UserFactory
from workflow.errors import NotFound
from workflow.services import assignment as assign
from workflow.services import opinions

from .conftest import NOW

CITY_OPINION = NotificationKind.CITY_OPINION


@pytest.fixture
def city_co(district, office, unit, handler):
    item = ItemFactory(
        district=district,
        kind=Kind.CITY_CO,
        number="S-12",
        title="关于完善跨区公交线路的建议",
        state=Item.State.REGISTERED,
        review=Item.Review.REGISTERED,
    )
    (co,) = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[], co_units=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=co)
    return co


def told(kind=CITY_OPINION):
    return sorted(Notification.objects.filter(kind=kind, channel="in_app").values_list("recipient", flat=True))


def submit(handler, assignment, capture, text="区意见：建议增设两条接驳线路。"):
    with capture(execute=True):
        return opinions.submit_opinion(actor=handler, now=NOW, assignment=assignment, text=text)


def test_the_head_is_told_once_when_the_opinion_commits_with_a_link_to_the_opinion_page(
    city_co, handler, head, other_handler, django_capture_on_commit_callbacks
):
    head.language = "en"
    head.save(update_fields=["language"])
    with django_capture_on_commit_callbacks() as pending:
        opinions.submit_opinion(actor=handler, now=NOW, assignment=city_co, text="区意见")
    assert told() == []  # nothing before the opinion is committed
    for callback in pending:
        callback()
    assert told() == [head.pk]  # not the handler who wrote it, not another unit

    recorded = Notification.objects.count()
    notify_event(city_co.item.events.get(action="opinion.submitted").pk)  # a retried callback adds nothing
    assert Notification.objects.count() == recorded

    notice = Notification.objects.select_related("recipient", "item", "obligation__unit").get(
        recipient=head, channel="in_app"
    )
    message = render(notice)  # in the head's saved language
    link = settings.SITE_URL.rstrip("/") + reverse("handling:opinion", args=[city_co.item_id])
    assert message.subject == "A city item's opinion waits for your approval: S-12 关于完善跨区公交线路的建议"
    assert message.body == (
        "区经委's opinion on the city item S-12 “关于完善跨区公交线路的建议”, submitted on 2026-03-02, "
        f"waits for your approval. {link}"
    )


def test_an_opinion_sent_back_and_submitted_again_tells_the_head_again(
    city_co, handler, head, django_capture_on_commit_callbacks
):
    opinion = submit(handler, city_co, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        opinions.send_back_opinion(actor=head, now=NOW, opinion=opinion, reason="请补充经费安排")
    assert told() == [head.pk]  # the send-back tells nobody of an opinion awaiting approval
    submit(handler, city_co, django_capture_on_commit_callbacks, text="修改稿")
    assert told() == [head.pk, head.pk]


def test_every_head_of_the_unit_is_told_but_a_head_who_wrote_it_himself(
    district, unit, city_co, head, django_capture_on_commit_callbacks
):
    deputy = UserFactory(username="deputy_head", full_name="经委副主任")
    MembershipFactory(user=deputy, role=Role.UNIT_HEAD, district=district, unit=unit)
    submit(head, city_co, django_capture_on_commit_callbacks)
    assert told() == [deputy.pk]


def test_a_unit_without_a_head_tells_nobody(city_co, handler, django_capture_on_commit_callbacks):
    submit(handler, city_co, django_capture_on_commit_callbacks)
    assert told() == []


def test_an_opinion_on_a_district_item_goes_straight_to_the_lead_and_tells_no_head(
    district, registered, office, unit, co_unit, co_handler, django_capture_on_commit_callbacks
):
    co_head = UserFactory(username="co_head", full_name="民政局局长")
    MembershipFactory(user=co_head, role=Role.UNIT_HEAD, district=district, unit=co_unit)
    _lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    co = assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    submit(co_handler, co, django_capture_on_commit_callbacks)
    assert registered.kind != Kind.CITY_CO and co.opinions.get().state == "sent"
    assert told() == []


def test_a_refused_opinion_tells_nobody(city_co, head, other_handler, django_capture_on_commit_callbacks):
    with pytest.raises(NotFound), django_capture_on_commit_callbacks(execute=True):
        opinions.submit_opinion(actor=other_handler, now=NOW, assignment=city_co, text="区意见")
    assert told() == []
