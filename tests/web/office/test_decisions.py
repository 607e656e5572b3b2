"""The office's decisions in the browser: review a reply (send it or send it back), publish it, decide an extension.

Each act: allowed, wrong role (403), another district (404), wrong state (the service's message),
bad input (the field error), a double submit acts once; the queues cost the same queries for any
number of rows.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from districts.models import Role
from proposals.models import Attachment, Item
from tests.factories import MembershipFactory, UnitFactory
from tests.workflow.flow import consult, receive
from web.items.panel import Act
from web.office.decisions.acts import offers
from workflow.models import Event, Extension, Obligation, OutcomeCategory, Reply
from workflow.services import assignment as assign
from workflow.services import extensions, intake, opinions, replies

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
TODAY = NOW + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _clock_and_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with time_machine.travel(TODAY, tick=False):
        yield


def category(code="A"):
    return OutcomeCategory.objects.get(scheme__code="cppcc", code=code)


def file_of(item, name, purpose=Attachment.Purpose.REPLY, user=None):
    return Attachment.objects.create(
        item=item,
        purpose=purpose,
        file=ContentFile(b"%PDF-1.4 reply", name="reply.pdf"),
        original_name=name,
        content_type="application/pdf",
        size=14,
        uploaded_by=user,
    )


def handled_item(office, proposer, unit, co_unit, handler, co_handler, *, number="0001", **fields):
    """An item `unit` leads and `co_unit` co-handles, both accepted, the opinion in, the proposer consulted."""
    fields.setdefault("disclosure", Item.Disclosure.PUBLIC)
    item = receive(office, proposer, now=NOW, number=number, title=f"关于加强社区养老服务的建议{number}", **fields)
    intake.register_item(actor=office, now=NOW, item=item)
    lead, co = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见，配合落实场地")
    consult(lead, handler, NOW)
    return lead


def to_office(lead, handler, head):
    """The lead unit's reply with a document, drafted, submitted and approved: it waits for the office."""
    letter = file_of(lead.item, "答复函.pdf", user=handler)
    draft = replies.draft_reply(
        actor=handler,
        now=NOW,
        assignment=lead,
        text="经研究，拟新建两处养老驿站。",
        category=category("A"),
        signer="王主任",
        attachments=[letter],
    )
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    return replies.approve_reply(actor=head, now=NOW, reply=draft)


@pytest.fixture
def lead(office, proposer, unit, co_unit, handler, co_handler, head):
    return handled_item(office, proposer, unit, co_unit, handler, co_handler)


@pytest.fixture
def awaiting(lead, handler, head):
    return to_office(lead, handler, head)


@pytest.fixture
def sent(awaiting, office):
    return replies.send_reply(actor=office, now=NOW, reply=awaiting)


@pytest.fixture
def pending(lead, handler):
    return extensions.request_extension(
        actor=handler, now=NOW, assignment=lead, until=dt.date(2026, 7, 31), reason="需市级部门配合审批用地"
    )


def as_user(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def get(client, user, name, pk=None):
    return as_user(client, user).get(reverse(f"decisions:{name}", args=[] if pk is None else [pk]))


def post(client, user, name, pk, **data):
    return as_user(client, user).post(reverse(f"decisions:{name}", args=[pk]), data)


def text(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def field_errors(response, form, field=None):
    form = response.context[form]
    return form.errors.get(field) if field else form.non_field_errors()


# --- review a reply ---------------------------------------------------------------------------------------


def test_the_office_reads_the_draft_its_approvals_and_the_co_units_opinion(client, awaiting, office):
    page = text(get(client, office, "reply_review", awaiting.pk))
    assert "经研究，拟新建两处养老驿站。" in page and "王主任" in page and "答复函.pdf" in page
    assert str(category("A")) in page and "Awaiting the office&#x27;s review" in page
    assert "经委 submitted the reply to its head" in page and "The head of 经委 approved the reply" in page
    assert "同意主办单位意见，配合落实场地" in page and "区民政局" in page
    assert "Still missing" not in page
    assert f'action="/replies/{awaiting.pk}/send/"' in page


def test_the_office_sends_the_reply_and_the_proposer_reads_it(client, awaiting, office, proposer_user):
    response = post(client, office, "reply_send", awaiting.pk)
    item_url = reverse("items:detail", args=[awaiting.assignment.item_id])
    assert (response.status_code, response["Location"]) == (302, item_url)
    assert Reply.objects.get(pk=awaiting.pk).state == Reply.State.SENT
    assert "The reply of 经委 on 0001 was sent to the proposers." in text(client.get(item_url))
    assert "经研究，拟新建两处养老驿站。" in text(as_user(client, proposer_user).get(item_url))


def test_the_office_sends_the_reply_back_and_the_unit_reads_why(client, awaiting, office, handler):
    response = post(client, office, "reply_send_back", awaiting.pk, reason="答复类型不当，应为列入计划")
    assert (response.status_code, response["Location"]) == (302, reverse("decisions:reply_queue"))
    assert "was sent back to the unit" in text(client.get(response["Location"]))
    assert Reply.objects.get(pk=awaiting.pk).state == Reply.State.DRAFT
    page = text(as_user(client, handler).get(reverse("items:detail", args=[awaiting.assignment.item_id])))
    assert "The reply was sent back to 经委: 答复类型不当，应为列入计划" in page


def test_sending_back_without_a_reason_shows_the_services_reason_beside_the_field(client, awaiting, office):
    response = post(client, office, "reply_send_back", awaiting.pk, reason="   ")
    assert response.status_code == 400
    assert field_errors(response, "back_form", "reason") == ["Say why the reply is sent back."]
    assert Reply.objects.get(pk=awaiting.pk).state == Reply.State.AWAITING_OFFICE


@pytest.mark.parametrize("who", ["handler", "head", "leader"])
def test_other_roles_of_the_district_are_refused(client, awaiting, who, request):
    user = request.getfixturevalue(who)
    assert get(client, user, "reply_review", awaiting.pk).status_code == 403
    assert post(client, user, "reply_send", awaiting.pk).status_code == 403
    assert post(client, user, "reply_send_back", awaiting.pk, reason="不行").status_code == 403
    assert Reply.objects.get(pk=awaiting.pk).state == Reply.State.AWAITING_OFFICE


@pytest.mark.parametrize("who", ["outsider", "other_handler", "proposer_user"])
def test_another_district_another_unit_and_the_proposer_find_nothing(client, awaiting, who, request):
    user = request.getfixturevalue(who)
    assert get(client, user, "reply_review", awaiting.pk).status_code == 404
    assert post(client, user, "reply_send", awaiting.pk).status_code == 404
    assert Reply.objects.get(pk=awaiting.pk).state == Reply.State.AWAITING_OFFICE


def test_a_draft_cannot_be_sent_and_the_page_says_where_it_stands(client, lead, handler, office):
    draft = replies.draft_reply(actor=handler, now=NOW, assignment=lead, text="草稿", category=category("A"))
    page = text(get(client, office, "reply_review", draft.pk))
    assert "Nothing for the office to decide on this reply now" in page and "/send/" not in page
    response = post(client, office, "reply_send", draft.pk)
    assert response.status_code == 400
    assert field_errors(response, "send_form") == ["The reply is not at this step (it is: Draft)."]


def test_a_reply_sent_already_is_a_conflict(client, sent, office):
    response = post(client, office, "reply_send", sent.pk)
    assert response.status_code == 409
    assert field_errors(response, "send_form") == ["This reply has already been sent."]


def test_a_reply_still_missing_an_opinion_shows_who_and_is_not_sent(
    client, office, proposer, unit, other_unit, co_unit, handler, co_handler, head, other_handler
):
    """A co-unit returned the item before the reply was drafted; the office handed it to 科委, whose opinion is due."""
    item = receive(office, proposer, now=NOW, number="0002", title="关于增设公交线路的建议")
    intake.register_item(actor=office, now=NOW, item=item)
    lead, co = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.return_assignment(actor=co_handler, now=NOW, assignment=co, reason="不属于本单位职责")
    consult(lead, handler, NOW)
    awaiting = to_office(lead, handler, head)
    assign.reassign(actor=office, now=NOW, assignment=co, unit=other_unit)
    page = text(get(client, office, "reply_review", awaiting.pk))
    assert "Still missing:" in page and "区科委" in page
    response = post(client, office, "reply_send", awaiting.pk)
    assert response.status_code == 400
    assert field_errors(response, "send_form") == ["The reply waits for the opinion of: 科委."]
    assert Reply.objects.get(pk=awaiting.pk).state == Reply.State.AWAITING_OFFICE


def test_a_second_click_on_send_acts_once(client, awaiting, office):
    token = str(uuid.uuid4())
    first = post(client, office, "reply_send", awaiting.pk, submit_token=token)
    second = post(client, office, "reply_send", awaiting.pk, submit_token=token)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Event.objects.filter(action="reply.sent").count() == 1
    assert "nothing was done a second time" in text(client.get(second["Location"]))


# --- the review queue -------------------------------------------------------------------------------------


def test_the_queue_lists_the_districts_replies_awaiting_the_office(client, awaiting, office, outsider):
    page = text(get(client, office, "reply_queue"))
    assert "0001" in page and reverse("decisions:reply_review", args=[awaiting.pk]) in page
    assert "2026-06-02" in page  # the reply is due three months after assignment
    assert "0001" not in text(get(client, outsider, "reply_queue"))


@pytest.mark.parametrize("who", ["handler", "head", "leader", "proposer_user"])
def test_the_queue_is_the_offices(client, awaiting, who, request):
    assert get(client, request.getfixturevalue(who), "reply_queue").status_code == 403


def test_a_sent_reply_leaves_the_queue(client, sent, office):
    page = text(get(client, office, "reply_queue"))
    assert "No reply waits for the office" in page


# The session, the user with the bell and their roles (2); the paginator's count (1); the page of replies
# with their items, districts, units and outcomes, each with its reply due date as a subquery (1).
QUEUE_QUERIES = 4


def _more_awaiting(office, proposer, handler, head, co_handler, district, n):
    for i in range(n):
        unit = UnitFactory(district=district)
        co = UnitFactory(district=district)
        MembershipFactory(user=handler, role=Role.HANDLER, district=district, unit=unit)
        MembershipFactory(user=head, role=Role.UNIT_HEAD, district=district, unit=unit)
        MembershipFactory(user=co_handler, role=Role.HANDLER, district=district, unit=co)
        handler._active_memberships = head._active_memberships = co_handler._active_memberships = None
        to_office(handled_item(office, proposer, unit, co, handler, co_handler, number=f"1{i:03d}"), handler, head)


def test_the_queue_costs_the_same_queries_for_one_or_many_replies(
    client, awaiting, office, proposer, handler, head, co_handler, district, django_assert_num_queries
):
    as_user(client, office)
    with django_assert_num_queries(QUEUE_QUERIES):
        assert len(client.get(reverse("decisions:reply_queue")).context["replies"]) == 1
    _more_awaiting(office, proposer, handler, head, co_handler, district, 4)
    with django_assert_num_queries(QUEUE_QUERIES):
        assert len(client.get(reverse("decisions:reply_queue")).context["replies"]) == 5


# --- publish ----------------------------------------------------------------------------------------------


def test_the_office_publishes_the_reply_with_the_files_it_ticks(client, sent, office, handler):
    annex = file_of(sent.assignment.item, "内部测算表.pdf", user=handler)
    sent.attachments.add(annex)
    letter = sent.attachments.get(original_name="答复函.pdf")
    page = text(get(client, office, "reply_publish", sent.pk))
    assert "答复函.pdf" in page and "内部测算表.pdf" in page and "May be published" in page
    response = post(client, office, "reply_publish", sent.pk, attachments=[letter.pk])
    assert response.status_code == 302
    published = Reply.objects.get(pk=sent.pk)
    assert published.published_at is not None and list(published.public_attachments.all()) == [letter]
    page = text(client.get(response["Location"]))
    assert "The reply of 经委 was published on the portal with 1 file." in page and "Published" in page


def test_publishing_without_consent_shows_the_services_reason(client, sent, office):
    Item.objects.filter(pk=sent.assignment.item_id).update(disclosure=Item.Disclosure.PRIVATE)
    response = post(client, office, "reply_publish", sent.pk)
    assert response.status_code == 400
    assert field_errors(response, "form") == ["The proposer did not consent to publication."]
    assert Reply.objects.get(pk=sent.pk).published_at is None


def test_a_file_that_is_not_the_replys_is_refused_beside_the_choice(client, sent, office):
    scan = file_of(sent.assignment.item, "提案原件.pdf", purpose=Attachment.Purpose.ITEM, user=office)
    response = post(client, office, "reply_publish", sent.pk, attachments=[scan.pk])
    assert response.status_code == 400
    assert field_errors(response, "form", "attachments") == [
        "Only the reply's own files can be published with it, not: 提案原件.pdf."
    ]


def test_an_unknown_file_is_bad_input(client, sent, office):
    response = post(client, office, "reply_publish", sent.pk, attachments=["x"])
    assert response.status_code == 400 and field_errors(response, "form", "attachments")


def test_a_draft_cannot_be_published_and_a_second_publication_is_a_conflict(client, awaiting, office):
    response = post(client, office, "reply_publish", awaiting.pk)
    assert response.status_code == 400
    assert field_errors(response, "form") == ["Only a sent reply can be published."]
    replies.send_reply(actor=office, now=NOW, reply=awaiting)
    assert post(client, office, "reply_publish", awaiting.pk).status_code == 302
    response = post(client, office, "reply_publish", awaiting.pk)
    assert response.status_code == 409
    assert field_errors(response, "form") == ["This reply is already published."]


def test_publishing_is_the_offices_and_acts_once(client, sent, office, handler, outsider):
    assert get(client, handler, "reply_publish", sent.pk).status_code == 403
    assert post(client, handler, "reply_publish", sent.pk).status_code == 403
    assert get(client, outsider, "reply_publish", sent.pk).status_code == 404
    token = str(uuid.uuid4())
    assert post(client, office, "reply_publish", sent.pk, submit_token=token).status_code == 302
    assert post(client, office, "reply_publish", sent.pk, submit_token=token).status_code == 302
    assert Event.objects.filter(action="reply.published").count() == 1


# --- decide an extension ----------------------------------------------------------------------------------


def reply_due(lead):
    return Obligation.objects.open().get(assignment=lead, kind="reply").due_on


def test_the_office_reads_the_request_and_grants_the_date_asked(client, pending, office, lead, handler):
    page = text(get(client, office, "extension_decide", pending.pk))
    assert "需市级部门配合审批用地" in page and "2026-06-02" in page and "2026-07-31" in page
    assert "2026-09-02" in page  # the latest date: six months after assignment
    response = post(client, office, "extension_decide", pending.pk, decision="grant", until="2026-07-31", note="")
    assert (response.status_code, response["Location"]) == (302, reverse("decisions:extension_queue"))
    assert "经委 now replies on 0001 by 2026-07-31." in text(client.get(response["Location"]))
    assert reply_due(lead) == dt.date(2026, 7, 31)
    page = text(as_user(client, handler).get(reverse("items:detail", args=[lead.item_id])))
    assert "The office extended the reply to 2026-07-31" in page


def test_the_office_grants_another_date(client, pending, office, lead):
    response = post(client, office, "extension_decide", pending.pk, decision="grant", until="2026-06-30")
    assert response.status_code == 302 and reply_due(lead) == dt.date(2026, 6, 30)


def test_a_date_past_the_limit_is_refused_beside_the_date(client, pending, office, lead):
    response = post(client, office, "extension_decide", pending.pk, decision="grant", until="2026-10-30")
    assert response.status_code == 400
    assert field_errors(response, "form", "until") == ["The reply can be extended to 2026-09-02 at the latest."]
    assert Extension.objects.get(pk=pending.pk).state == Extension.State.PENDING
    assert reply_due(lead) == dt.date(2026, 6, 2)


def test_a_refusal_needs_a_note_and_keeps_the_deadline(client, pending, office, lead):
    response = post(client, office, "extension_decide", pending.pk, decision="refuse", note=" ")
    assert response.status_code == 400
    assert field_errors(response, "form", "note") == ["Say why the extension is refused."]
    response = post(client, office, "extension_decide", pending.pk, decision="refuse", note="理由不充分")
    assert response.status_code == 302
    assert "The extension request of 经委 on 0001 was refused." in text(client.get(response["Location"]))
    assert Extension.objects.get(pk=pending.pk).state == Extension.State.REFUSED
    assert reply_due(lead) == dt.date(2026, 6, 2)


def test_bad_input_is_named_beside_its_field(client, pending, office):
    response = post(client, office, "extension_decide", pending.pk, decision="grant", until="2026-13-45")
    assert response.status_code == 400
    assert field_errors(response, "form", "until") == ["Enter the date as YYYY-MM-DD."]
    response = post(client, office, "extension_decide", pending.pk, until="2026-07-31")
    assert field_errors(response, "form", "decision") == ["Choose to grant or to refuse."]
    assert "2026-07-31" in text(response, 400)  # what was typed stays


def test_a_decided_request_is_a_conflict(client, pending, office):
    extensions.decide_extension(actor=office, now=NOW, extension=pending, grant=True)
    page = text(get(client, office, "extension_decide", pending.pk))
    assert "This request has been decided." in page
    response = post(client, office, "extension_decide", pending.pk, decision="refuse", note="理由不充分")
    assert response.status_code == 409
    assert field_errors(response, "form") == ["This extension request has already been decided."]


@pytest.mark.parametrize("who", ["handler", "head", "leader", "proposer_user"])
def test_other_roles_may_not_decide(client, pending, who, request):
    user = request.getfixturevalue(who)
    assert get(client, user, "extension_decide", pending.pk).status_code == 403
    assert post(client, user, "extension_decide", pending.pk, decision="grant").status_code == 403
    assert get(client, user, "extension_queue").status_code == 403
    assert Extension.objects.get(pk=pending.pk).state == Extension.State.PENDING


@pytest.mark.parametrize("who", ["outsider", "other_handler"])
def test_another_district_and_another_unit_find_no_request(client, pending, who, request):
    user = request.getfixturevalue(who)
    assert get(client, user, "extension_decide", pending.pk).status_code == 404
    assert post(client, user, "extension_decide", pending.pk, decision="grant").status_code == 404


def test_a_second_click_on_decide_acts_once(client, pending, office, lead):
    token = str(uuid.uuid4())
    data = {"decision": "grant", "until": "2026-07-31", "submit_token": token}
    assert post(client, office, "extension_decide", pending.pk, **data).status_code == 302
    assert post(client, office, "extension_decide", pending.pk, **data).status_code == 302
    assert Event.objects.filter(action="extension.granted").count() == 1


def test_the_extension_queue_lists_pending_requests_with_the_due_date(client, pending, office, outsider):
    page = text(get(client, office, "extension_queue"))
    assert "需市级部门配合审批用地" in page and "2026-06-02" in page and "2026-07-31" in page
    assert reverse("decisions:extension_decide", args=[pending.pk]) in page
    assert "需市级部门配合" not in text(get(client, outsider, "extension_queue"))


# The session, the user with the bell and their roles (2); the paginator's count (1); the page of requests
# with their items, districts, units and requesters, each with its current due date as a subquery (1).
EXTENSION_QUEUE_QUERIES = 4


def test_the_extension_queue_costs_the_same_queries_for_one_or_many(
    client, pending, office, proposer, handler, head, co_handler, district, django_assert_num_queries
):
    as_user(client, office)
    with django_assert_num_queries(EXTENSION_QUEUE_QUERIES):
        assert len(client.get(reverse("decisions:extension_queue")).context["requests"]) == 1
    for i in range(3):
        unit, co = UnitFactory(district=district), UnitFactory(district=district)
        for user, role, u in ((handler, Role.HANDLER, unit), (co_handler, Role.HANDLER, co)):
            MembershipFactory(user=user, role=role, district=district, unit=u)
        handler._active_memberships = co_handler._active_memberships = None
        lead = handled_item(office, proposer, unit, co, handler, co_handler, number=f"2{i:03d}")
        extensions.request_extension(actor=handler, now=NOW, assignment=lead, until=dt.date(2026, 7, 1), reason="忙")
    with django_assert_num_queries(EXTENSION_QUEUE_QUERIES):
        assert len(client.get(reverse("decisions:extension_queue")).context["requests"]) == 4


# --- the item page's buttons ------------------------------------------------------------------------------


def _acts(client, user, item):
    as_user(client, user)
    return client.get(reverse("items:detail", args=[item.pk])).context["acts"]


def test_offers_review_to_the_office_only(awaiting, office, handler, leader, city_admin):
    item = Item.objects.get(pk=awaiting.assignment.item_id)
    assignments = list(item.assignments.select_related("unit"))
    for assignment in assignments:
        assignment.visible_replies = list(assignment.replies.all())
    url = reverse("decisions:reply_review", args=[awaiting.pk])
    assert [(a.url, a.primary) for a in offers(office, item, assignments)] == [(url, True)]
    assert [a.url for a in offers(city_admin, item, assignments)] == [url]
    assert offers(handler, item, assignments) == offers(leader, item, assignments) == []


def test_offers_publishing_where_consent_allows(sent, office):
    item = Item.objects.get(pk=sent.assignment.item_id)
    assignments = list(item.assignments.select_related("unit"))
    for assignment in assignments:
        assignment.visible_replies = list(assignment.replies.all())
    acts = offers(office, item, assignments)
    assert reverse("decisions:reply_publish", args=[sent.pk]) in [a.url for a in acts]
    item.disclosure = Item.Disclosure.PRIVATE
    assert all("publish" not in a.url for a in offers(office, item, assignments))


def test_offers_deciding_a_pending_request_while_the_item_is_handled(pending, office):
    item = Item.objects.get(pk=pending.assignment.item_id)
    url = reverse("decisions:extension_decide", args=[pending.pk])
    with translation.override("en"):
        assert offers(office, item, []) == [Act("Decide the extension request of 经委", url, primary=True)]
    item.state = Item.State.REPLIED
    assert offers(office, item, []) == []


def test_the_item_page_shows_the_offices_buttons(client, awaiting, office, handler):
    acts = _acts(client, office, awaiting.assignment.item)
    assert reverse("decisions:reply_review", args=[awaiting.pk]) in [a.url for a in acts]
    assert not any("/replies/" in a.url for a in _acts(client, handler, awaiting.assignment.item))
