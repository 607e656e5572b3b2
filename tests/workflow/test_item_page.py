"""The item page every notification links to: what each role sees there, and what it doesn't."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import Role, User
from notifications.models import Notification, NotificationKind
from notifications.texts import item_link, render
from proposals.models import Attachment, Category
from tests.factories import MembershipFactory, ProposerFactory, SessionFactory, UnitFactory, UserFactory
from workflow.errors import NotAllowed, NotFound, WorkflowError
from workflow.models import Event, Feedback, Message, RatingValue, Reply
from workflow.services import assignment as assign
from workflow.services import intake, opinions, permissions, replies
from workflow.services.closing import close_item_now

from .conftest import NOW, attachment, category
from .flow import consult, receive, reply

pytestmark = pytest.mark.django_db

TODAY = NOW + dt.timedelta(days=1)  # Tuesday 3 March 2026: nothing is due yet


@pytest.fixture(autouse=True)
def _clock():
    """The page reads today's date; keep it next to the fixtures' clock, whatever the real date."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def handled(registered, office, unit, co_unit, leader, handler, co_handler):
    """The item with `unit` as lead (accepted) and `co_unit` as co-unit (accepted)."""
    lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    return lead, co


@pytest.fixture
def drafted(handled, handler):
    """The lead unit is drafting its reply."""
    lead, _co = handled
    replies.draft_reply(
        actor=handler, now=NOW, assignment=lead, text="草稿：拟新建两处养老驿站", category=category("cppcc", "A")
    )
    return lead.item


@pytest.fixture
def sent(handled, office, handler, head, co_handler, leader):
    """The lead unit's reply is sent and published; the co-unit sent its opinion first."""
    lead, co = handled
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见")
    consult(lead, handler, NOW)
    sent_reply = reply(lead, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    replies.publish_reply(actor=office, now=NOW, reply=sent_reply)
    return lead.item


def page(client, user, item, *, language="en"):
    """The page as `user` reads it; English by default so the assertions read the msgids."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("items:detail", args=[item.pk]))


def text(response):
    assert response.status_code == 200
    return response.content.decode()


# --- who may open it ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "leader", "handler", "head", "co_handler", "proposer_user", "city_admin"])
def test_every_role_of_the_item_opens_it(client, drafted, who, request):
    page_text = text(page(client, request.getfixturevalue(who), drafted))
    assert "0001" in page_text and "关于加强社区养老服务的建议" in page_text


@pytest.mark.parametrize("who", ["outsider", "other_handler"])
def test_another_districts_office_and_an_unassigned_unit_get_404(client, drafted, who, request):
    assert page(client, request.getfixturevalue(who), drafted).status_code == 404


def test_a_user_without_a_role_and_a_missing_item_get_404(client, drafted, office):
    assert page(client, UserFactory(username="nobody"), drafted).status_code == 404
    client.force_login(office)
    assert client.get(reverse("items:detail", args=[drafted.pk + 1000])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, drafted):
    response = client.get(reverse("items:detail", args=[drafted.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_shares_the_items_prefix_with_import_and_downloads():
    assert reverse("items:detail", args=[7]) == "/items/7/"
    assert reverse("imports:import") == "/items/import/"
    assert reverse("items:attachment", args=[7]) == "/items/attachments/7/"


# --- what each role sees --------------------------------------------------------------------------


def test_the_office_sees_where_the_item_stands_and_the_lead_units_draft(client, drafted, office):
    page_text = text(page(client, office, drafted))
    assert "Being handled" in page_text
    assert "Consultation with the proposer" in page_text and "The handling unit" in page_text
    # The next due date (the lead unit's acceptance was on time; its consultation is next) and why.
    assert "2026-03-23" in page_text and "acceptance 2026-03-02 + 15 working days = 2026-03-23" in page_text
    assert "Overdue" not in page_text
    assert "区经委" in page_text and "区民政局" in page_text and "Co-handling unit" in page_text
    assert "accepted on 2026-03-02" in page_text
    assert "草稿：拟新建两处养老驿站" in page_text and "Version 1" in page_text
    assert "经委 started drafting the reply" in page_text


def test_the_lead_unit_sees_its_own_draft(client, drafted, handler):
    page_text = text(page(client, handler, drafted))
    assert "草稿：拟新建两处养老驿站" in page_text and "started drafting the reply" in page_text


@pytest.mark.parametrize("who", ["co_handler", "proposer_user"])
def test_a_co_unit_and_the_proposer_do_not_see_the_lead_units_draft(client, drafted, who, request):
    response = page(client, request.getfixturevalue(who), drafted)
    page_text = text(response)
    assert "草稿" not in page_text and "started drafting" not in page_text
    assert all(not a.visible_replies for a in response.context["assignments"])
    assert "经委 accepted the assignment" in page_text  # the rest of the timeline is theirs to read


def test_the_proposer_reads_the_sent_reply_with_outcome_signer_date_and_published_mark(client, sent, proposer_user):
    response = page(client, proposer_user, sent)
    page_text = text(response)
    (lead_reply,) = response.context["assignments"][0].visible_replies
    assert lead_reply.state == Reply.State.SENT
    assert "经研究，答复如下……" in page_text and "A 解决或采纳" in page_text
    assert "主任" in page_text and "2026-03-02" in page_text and "Published" in page_text
    assert "The reply of 经委 was sent to the proposer (outcome A)" in page_text
    assert "started drafting" not in page_text and "submitted the reply to its head" not in page_text


def test_proposers_are_listed_lead_first_and_attachments_download_through_the_checked_view(
    client, district, office, proposer, proposer_user
):
    co_signer = ProposerFactory(district=district, name="李委员")
    item = receive(
        office,
        proposer,
        now=NOW,
        number="0002",
        title="关于优化公交线路的建议",
        text="建议增开社区巴士。",
        session=SessionFactory(district=district),
        category=Category.objects.create(district=district, name="城市建设和管理"),
        proposers=[co_signer],
    )
    file = attachment(item, purpose=Attachment.Purpose.ITEM, user=office)
    response = page(client, proposer_user, item)
    page_text = text(response)
    assert [link.proposer.name for link in response.context["proposers"]] == ["张委员", "李委员"]
    assert "七届一次" in page_text and "城市建设和管理" in page_text and "建议增开社区巴士。" in page_text
    assert "Review for registration" in page_text and "The district office" in page_text
    assert reverse("items:attachment", args=[file.pk]) in page_text
    assert client.get(reverse("items:attachment", args=[file.pk])).status_code == 200


def test_a_key_item_and_an_overdue_due_date_are_marked(client, drafted, office, leader, _clock):
    assign.mark_key_item(actor=office, now=NOW, item=drafted, leader=leader)
    _clock.move_to(dt.datetime(2026, 3, 26, 9, 0, tzinfo=NOW.tzinfo))  # consultation was due 23 March
    page_text = text(page(client, office, drafted))
    assert "Key item" in page_text and "分管副区长" in page_text
    assert "Overdue" in page_text and "overdue by 3 working days" in page_text


# --- feedback ---------------------------------------------------------------------------------------


@pytest.fixture
def rated(sent, proposer_user):
    from workflow.services import feedback

    feedback.record_feedback(
        actor=proposer_user,
        now=NOW,
        item=sent,
        agrees=True,
        praised=True,
        rating=RatingValue.objects.get(scale__code="quality", code="good"),
    )
    return sent


@pytest.mark.parametrize("who", ["office", "leader", "handler", "proposer_user", "city_admin"])
def test_the_office_leaders_the_proposer_and_the_lead_unit_see_the_feedback(client, rated, who, request):
    response = page(client, request.getfixturevalue(who), rated)
    page_text = text(response)
    assert [f.rating.code for f in response.context["feedback"]] == ["good"]
    assert "Praised" in page_text and "Agrees" in page_text


def test_a_co_unit_does_not_see_the_feedback(client, rated, co_handler):
    response = page(client, co_handler, rated)
    assert response.context["feedback"] is None
    assert "Praised" not in text(response)


# --- the timeline's language, and the notification's link -------------------------------------------


def test_the_timeline_reads_in_the_readers_language(client, sent, office):
    english = text(page(client, office, sent))
    assert "Item received" in english and "经委 accepted the assignment" in english
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    chinese = client.get(reverse("items:detail", args=[sent.pk])).content.decode()
    assert "收到建议提案" in chinese and "Item received" not in chinese


def test_the_proposer_is_not_told_why_the_office_waived_a_co_units_opinion(client, handled, office, proposer_user):
    _lead, co = handled
    opinions.waive_opinion(actor=office, now=NOW, assignment=co, reason="民政局内部意见分歧，区府办决定免于会办")
    assert "The office waived the opinion of 民政局" in text(page(client, office, co.item))
    proposer_page = text(page(client, proposer_user, co.item))
    assert "民政局内部意见分歧" not in proposer_page and "opinion.waived" not in proposer_page


@pytest.fixture
def followed_up(handled, office, handler, head, co_handler, proposer_user):
    """Reply with the CPPCC outcome `code` and have the proposer agree: the item is followed up. Returns the lead."""
    from workflow.services import feedback

    def follow_up(code):
        lead, co = handled
        opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见")
        consult(lead, handler, NOW)
        reply(lead, handler=handler, head=head, office=office, category=category("cppcc", code), now=NOW)
        feedback.record_feedback(actor=proposer_user, now=NOW, item=lead.item, agrees=True)
        return lead

    return follow_up


def test_the_page_says_the_closing_report_is_owed_after_the_second_reply(client, followed_up, office, handler, head):
    lead = followed_up("B")
    reply(
        lead, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW,
        kind=Reply.Kind.SECOND,
    )  # fmt: skip
    handler_page = text(page(client, handler, lead.item))
    assert "The closing report" in handler_page
    assert "Follow-up until the outcome is delivered" not in handler_page


def test_the_page_waits_for_the_closing_report_the_service_accepts_for_a_resolved_outcome(
    client, followed_up, office, handler, proposer_user
):
    """CPPCC A (解决或采纳) counts as resolved but stays open: no second reply, the closing report is due now."""
    from workflow.services import closing

    lead = followed_up("A")
    assert not Reply.objects.filter(kind=Reply.Kind.SECOND).exists()
    for user in (handler, office, proposer_user):
        response = page(client, user, lead.item)
        assert (response.context["waits_for"], response.context["waiting_on"]) == (
            "The closing report",
            "The handling unit",
        )
    closing.submit_closing_report(actor=handler, now=NOW, assignment=lead, text="已落实")
    lead.item.refresh_from_db()
    assert lead.item.state == lead.item.State.CLOSED


def test_the_page_waits_for_the_second_reply_the_service_asks_for_before_the_closing_report(
    client, followed_up, handler
):
    """CPPCC B (列入计划拟解决) is not resolved: the page says follow-up, and the service refuses the report."""
    from workflow.services import closing

    lead = followed_up("B")
    assert page(client, handler, lead.item).context["waits_for"] == "Follow-up until the outcome is delivered"
    with pytest.raises(WorkflowError) as refused:
        closing.submit_closing_report(actor=handler, now=NOW, assignment=lead, text="已落实")
    assert refused.value.code == "second_reply_missing"


def test_a_notifications_link_opens_the_page_for_its_recipient(
    client, handled, office, handler, head, co_handler, proposer_user, django_capture_on_commit_callbacks
):
    lead, co = handled
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见")
    consult(lead, handler, NOW)
    with django_capture_on_commit_callbacks(execute=True):
        reply(lead, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    notification = Notification.objects.select_related("item", "obligation__unit", "recipient").get(
        recipient=proposer_user, channel="in_app"
    )
    link = item_link(lead.item_id)
    assert link in render(notification).body
    path = link.removeprefix(settings.SITE_URL.rstrip("/"))
    assert path == reverse("items:detail", args=[lead.item_id])
    client.force_login(proposer_user)
    assert "经研究，答复如下……" in text(client.get(path))


# --- a constant number of queries ----------------------------------------------------------------------


def _busy_item(district, office, number, n):
    """A key item with n of everything: proposers, attachments, split leads with sent replies, co-units, feedback."""
    proposers = [ProposerFactory(district=district, name=f"委员{number}-{i}") for i in range(n)]
    item = receive(
        office,
        proposers[0],
        now=NOW,
        number=number,
        title=f"建议{number}",
        session=SessionFactory(district=district, label=f"届次{number}"),
        category=Category.objects.create(district=district, name=f"类别{number}"),
        proposers=proposers,
    )
    for _ in range(n):
        attachment(item, purpose=Attachment.Purpose.ITEM, user=office)
    intake.register_item(actor=office, now=NOW, item=item)
    leader = UserFactory(username=f"leader-{number}")
    MembershipFactory(user=leader, role=Role.LEADER, district=district)
    assign.mark_key_item(actor=office, now=NOW, item=item, leader=leader)
    leads = [UnitFactory(district=district) for _ in range(n)]
    cos = [UnitFactory(district=district) for _ in range(n)]
    assigned = assign.assign_units(actor=office, now=NOW, item=item, lead_units=leads, co_units=cos, split=n > 1)
    for assignment in assigned:
        assign.accept_assignment(actor=None, now=NOW, assignment=assignment)
    for assignment in assigned[n:]:
        opinions.submit_opinion(actor=None, now=NOW, assignment=assignment, text="同意")
    for assignment in assigned[:n]:
        consult(assignment, None, NOW)
        sent_reply = reply(assignment, handler=None, head=None, office=None, category=category("cppcc", "A"), now=NOW)
        sent_reply.attachments.add(attachment(item, purpose=Attachment.Purpose.REPLY))
    good = RatingValue.objects.get(scale__code="quality", code="good")
    Feedback.objects.bulk_create(
        Feedback(item=item, proposer=p, rating=good, agrees=True, submitted_at=NOW) for p in proposers
    )
    Message.objects.bulk_create(
        Message(item=item, unit=unit, sender=sender, author=office, text="请问进度？", created_at=NOW)
        for unit in leads
        for sender in Message.Sender.values
    )
    return item, leads[0]


def _queries(client, user, item):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("items:detail", args=[item.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# The session, the user with the unread notifications in the header and their roles (2); the item with its
# district, session, category and supervising leader (1); the assignments with their
# units, the replies, the replies' files (3); the next due obligation, the proposers, the files (3); whether the
# reader reads the feedback, the feedback (2); the messages, the timeline (2). No session write: the login saved
# it within the minute. A proposer also reads who the item's proposers are, to know whether they write (1).
PAGE_QUERIES = {Role.OFFICE: 13, Role.HANDLER: 13, Role.PROPOSER: 14}


@pytest.mark.parametrize("role", [Role.OFFICE, Role.HANDLER, Role.PROPOSER])
def test_the_page_costs_the_same_queries_for_one_or_many_of_everything(client, district, office, role):
    small, small_unit = _busy_item(district, office, "S1", 1)
    large, large_unit = _busy_item(district, office, "L4", 4)
    user = UserFactory(username=f"reader-{role}")
    if role == Role.OFFICE:
        MembershipFactory(user=user, role=role, district=district)
    for item, unit in ((small, small_unit), (large, large_unit)):
        if role == Role.HANDLER:
            MembershipFactory(user=user, role=role, district=district, unit=unit)
        if role == Role.PROPOSER:
            MembershipFactory(user=user, role=role, district=district, proposer=item.item_proposers.first().proposer)
    few, response = _queries(client, User.objects.get(pk=user.pk), small)
    many, more = _queries(client, User.objects.get(pk=user.pk), large)
    assert len(more.context["events"]) > len(response.context["events"])
    assert len(more.context["assignments"]) == 8 and len(more.context["attachments"]) == 8
    assert sum(len(thread) for _unit, thread in more.context["threads"]) == (8 if role != Role.HANDLER else 2)
    assert few == many == PAGE_QUERIES[role]


# --- messages -------------------------------------------------------------------------------------------


def post_message(client, user, item, **data):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(reverse("items:message", args=[item.pk]), data)


def test_a_unit_member_writes_to_the_proposers_and_they_are_told(
    client, handled, handler, unit, proposer_user, django_capture_on_commit_callbacks
):
    lead, _co = handled
    form = page(client, handler, lead.item).context["message_form"]
    assert "To the item's proposers" in text(page(client, handler, lead.item))
    assert form["unit"].value() == unit.pk  # its own thread only, no choice to make
    with django_capture_on_commit_callbacks(execute=True):
        response = post_message(client, handler, lead.item, unit=unit.pk, text="  请问何时方便面商？ ")
    assert response.status_code == 302
    assert response["Location"] == reverse("items:detail", args=[lead.item_id]) + "#messages"
    message = Message.objects.get()
    assert (message.unit, message.sender, message.author, message.text) == (unit, "unit", handler, "请问何时方便面商？")
    notice = Notification.objects.get(recipient=proposer_user, channel="in_app")
    assert notice.kind == NotificationKind.UNIT_MESSAGE and notice.item_id == lead.item_id
    page_text = text(client.get(response["Location"]))
    assert "Message sent in the thread with 区经委." in page_text
    assert "请问何时方便面商？" in page_text and "经委承办人" in page_text
    assert "经委 sent a message to the proposer" in page_text
    client.force_login(proposer_user)
    assert "请问何时方便面商？" in text(client.get(response["Location"]))


def test_an_empty_message_shows_the_error_and_creates_nothing(client, handled, handler, unit):
    lead, _co = handled
    events = Event.objects.count()
    response = post_message(client, handler, lead.item, unit=unit.pk, text="   ")
    assert response.status_code == 400
    assert "Write the message." in response.content.decode()
    assert not Message.objects.exists() and Event.objects.count() == events


def test_a_user_of_another_unit_gets_404_and_creates_nothing(client, handled, other_handler, unit):
    lead, _co = handled
    assert post_message(client, other_handler, lead.item, unit=unit.pk, text="你好").status_code == 404
    assert not Message.objects.exists()


def test_a_co_unit_cannot_write_in_the_lead_units_thread(client, handled, co_handler, unit):
    lead, _co = handled
    assert post_message(client, co_handler, lead.item, unit=unit.pk, text="你好").status_code == 404
    assert not Message.objects.exists()


def test_the_proposer_picks_a_unit_and_only_that_unit_reads_the_thread(
    client, handled, proposer_user, co_unit, handler, co_handler, office
):
    lead, _co = handled
    form = page(client, proposer_user, lead.item).context["message_form"]
    assert [label for _pk, label in form.fields["unit"].widget.choices] == ["区经委", "区民政局"]
    response = post_message(client, proposer_user, lead.item, unit=co_unit.pk, text="民政局能否一起来面商？")
    assert response.status_code == 302
    assert Message.objects.get().sender == Message.Sender.PROPOSER
    for reader, sees in ((co_handler, True), (office, True), (handler, False)):
        threads = page(client, reader, lead.item).context["threads"]
        assert [unit.name for unit, _thread in threads] == (["区民政局"] if sees else [])


def test_the_office_reads_the_threads_but_may_not_write(client, handled, office, unit):
    lead, _co = handled
    assert page(client, office, lead.item).context["message_form"] is None
    response = post_message(client, office, lead.item, unit=unit.pk, text="请尽快答复")
    assert response.status_code == 403
    assert "Only the handling unit and the proposers of this item may write here." in response.content.decode()
    assert not Message.objects.exists()


def test_writing_needs_a_post_and_a_unit_of_the_item(client, handled, handler, other_unit):
    lead, _co = handled
    client.force_login(handler)
    assert client.get(reverse("items:message", args=[lead.item_id])).status_code == 405
    assert post_message(client, handler, lead.item, unit=other_unit.pk, text="你好").status_code == 400
    assert not Message.objects.exists()


def test_a_closed_item_offers_no_form_and_a_post_gets_the_services_error(client, handled, handler, proposer_user, unit):
    lead, _co = handled
    close_item_now(actor=None, now=NOW, item=lead.item, reason="办结")
    for user in (handler, proposer_user):
        response = page(client, user, lead.item)
        assert response.context["message_form"] is None and response.context["writes_to"] == []
        assert 'name="text"' not in text(response)
    response = post_message(client, handler, lead.item, unit=unit.pk, text="还有问题吗？")
    assert response.status_code == 400
    assert "This item is closed: its conversations are over." in response.content.decode()
    assert not Message.objects.exists()


def test_an_item_not_registered_yet_offers_no_form(client, received, proposer_user):
    assert page(client, proposer_user, received).context["message_form"] is None


@pytest.mark.parametrize(
    "who", ["handler", "head", "co_handler", "proposer_user", "office", "leader", "city_admin", "other_handler"]
)
def test_the_form_offers_exactly_the_threads_the_service_lets_the_reader_write_in(handled, unit, co_unit, who, request):
    lead, _co = handled
    user = request.getfixturevalue(who)
    allowed = []
    for thread in (unit, co_unit):
        try:
            permissions.require_message_sender(user, lead.item, thread)
        except (NotFound, NotAllowed):
            continue
        allowed.append(thread)
    assert permissions.message_units(user, lead.item) == allowed
    expected = {"handler": [unit], "head": [unit], "co_handler": [co_unit], "proposer_user": [unit, co_unit]}
    assert allowed == expected.get(who, [])


def test_a_unit_that_returned_its_assignment_is_offered_no_thread(client, registered, office, unit, handler):
    (lead,) = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit])
    assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="非本单位职责")
    assert permissions.message_units(handler, registered) == []
