"""Messages between an item's proposers and a handling unit (有问必答): who writes, who reads, who is told."""

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from districts.models import Role
from notifications.models import Notification, NotificationKind
from notifications.texts import item_link, render
from tests.factories import MembershipFactory, ProposerFactory, UserFactory
from workflow import timeline
from workflow.errors import NotAllowed, NotFound, WorkflowError
from workflow.models import Event, Message
from workflow.selectors import visible_messages
from workflow.services import assignment as assign
from workflow.services import intake
from workflow.services.closing import close_item_now
from workflow.services.messages import send_message

from .conftest import NOW
from .flow import receive

pytestmark = pytest.mark.django_db


def write(actor, item, unit, text="请问办理进度如何？"):
    return send_message(actor=actor, now=NOW, item=item, unit=unit, text=text)


@pytest.fixture
def item(registered, office, unit, co_unit, handler, co_handler, leader):
    """Assigned to `unit` as lead (accepted) and `co_unit` as co-unit (not accepted yet: it may write already)."""
    lead, _co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    return lead.item


@pytest.fixture
def stranger(district):
    """The proposer of another item of the district."""
    user = UserFactory(username="stranger", full_name="李代表")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=ProposerFactory(district=district))
    return user


def test_the_unit_writes_to_the_proposers(item, unit, handler, proposer_user):
    message = write(handler, item, unit, text="  您好，我们已开始办理。 ")
    assert (message.sender, message.unit, message.author, message.text) == (
        "unit",
        unit,
        handler,
        "您好，我们已开始办理。",
    )
    event = Event.objects.get(action="message.sent")
    assert (event.actor, event.assignment.unit) == (handler, unit)
    assert event.data == {"message": message.pk, "unit": unit.pk, "unit_name": "区经委", "sender": "unit"}


def test_a_proposer_writes_to_the_unit(item, unit, proposer_user):
    message = write(proposer_user, item, unit)
    assert (message.sender, message.unit, message.author) == ("proposer", unit, proposer_user)


def test_the_unit_head_writes_as_the_unit_too(item, unit, head):
    assert write(head, item, unit).sender == "unit"


def test_a_co_unit_writes_as_itself_but_not_in_the_lead_units_thread(item, unit, co_unit, co_handler):
    message = write(co_handler, item, co_unit)
    assert (message.sender, message.unit) == ("unit", co_unit)
    with pytest.raises(NotFound):
        write(co_handler, item, unit)


def test_another_unit_can_neither_write_nor_read(item, unit, other_unit, handler, other_handler):
    write(handler, item, unit)
    with pytest.raises(NotFound):
        write(other_handler, item, unit)
    with pytest.raises(NotFound):
        write(other_handler, item, other_unit)
    assert not visible_messages(other_handler).exists()


def test_a_proposer_of_another_item_cannot_write(item, unit, stranger):
    with pytest.raises(NotFound):
        write(stranger, item, unit)


def test_a_proposer_writes_only_to_a_unit_on_the_item(item, other_unit, proposer_user):
    with pytest.raises(NotFound) as exc:
        write(proposer_user, item, other_unit)
    assert exc.value.code == "not_found"


def test_the_office_and_the_leader_read_but_do_not_write(item, unit, office, leader):
    for actor in (office, leader):
        with pytest.raises(NotAllowed):
            write(actor, item, unit)


def test_a_returned_assignment_ends_the_units_thread(lead, handler, unit, proposer_user):
    assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="不属于本单位职责")
    with pytest.raises(NotFound):
        write(handler, lead.item, unit)
    with pytest.raises(NotFound):
        write(proposer_user, lead.item, unit)


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "text_missing"), (" \n\t ", "text_missing"), (None, "text_missing"), ("长" * 2001, "text_too_long")],
)
def test_it_refuses_an_empty_or_too_long_text(item, unit, handler, text, code):
    with pytest.raises(WorkflowError) as exc:
        write(handler, item, unit, text=text)
    assert (exc.value.code, exc.value.field) == (code, "text")
    assert not Message.objects.exists()
    assert not Event.objects.filter(action="message.sent").exists()


def test_a_text_of_exactly_the_limit_is_sent(item, unit, handler):
    assert len(write(handler, item, unit, text="长" * 2000).text) == 2000


def test_a_line_break_from_the_browser_counts_as_one_character(client, item, unit, handler):
    # Browsers post CRLF: 1,000 lines of one character are 1,999 characters, not 2,998.
    client.force_login(handler)
    response = client.post(
        reverse("items:message", args=[item.pk]),
        {"unit": unit.pk, "text": "\r\n".join("长" * 1000)},
    )
    assert response.status_code == 302
    assert Message.objects.get().text == "\n".join("长" * 1000)


def test_it_refuses_an_item_that_is_not_registered(received, unit, proposer_user):
    with pytest.raises(WorkflowError) as exc:
        write(proposer_user, received, unit)
    assert exc.value.code == "not_registered"


def test_it_refuses_a_closed_item(item, unit, handler, proposer_user):
    with transaction.atomic():
        close_item_now(actor=None, now=NOW, item=item, reason="test")
    for actor in (handler, proposer_user):
        with pytest.raises(WorkflowError) as exc:
            write(actor, item, unit)
        assert exc.value.code == "closed"
    assert not Message.objects.exists()


def test_the_database_refuses_a_blank_or_too_long_text(item, unit, handler):
    for text in ("   ", "长" * 2001):
        with pytest.raises(IntegrityError), transaction.atomic():
            Message.objects.create(item=item, unit=unit, sender="unit", author=handler, text=text, created_at=NOW)


def test_who_reads_which_threads(
    item, unit, co_unit, handler, head, co_handler, proposer_user, office, leader, outsider, city_admin, stranger
):
    lead_message = write(handler, item, unit)
    co_message = write(co_handler, item, co_unit)
    reply = write(proposer_user, item, co_unit)
    everything = {lead_message, co_message, reply}
    assert set(visible_messages(office)) == everything
    assert set(visible_messages(leader)) == everything
    assert set(visible_messages(city_admin)) == everything
    assert set(visible_messages(proposer_user)) == everything
    assert set(visible_messages(handler)) == set(visible_messages(head)) == {lead_message}
    assert set(visible_messages(co_handler)) == {co_message, reply}
    assert not visible_messages(outsider).exists()
    assert not visible_messages(stranger).exists()


def test_the_proposers_of_a_merged_item_read_the_thread(item, unit, handler, office, district, stranger):
    merged = receive(office, stranger.memberships.get().proposer, now=NOW, number="0002", title="同类提案")
    intake.merge_item(actor=office, now=NOW, item=merged, into=item)
    message = write(handler, item, unit)
    assert list(visible_messages(stranger)) == [message]
    assert write(stranger, item, unit).sender == "proposer"


def test_the_timeline_says_who_wrote_to_whom_but_not_what(item, unit, handler, proposer_user):
    write(handler, item, unit, text="您好，我们已开始办理。")
    write(proposer_user, item, unit, text="谢谢，请尽快答复。")
    events = Event.objects.filter(action="message.sent").select_related("assignment__unit").order_by("pk")
    with translation.override("en"):
        assert [timeline.describe(e) for e in events] == [
            "经委 sent a message to the proposer",
            "The proposer sent a message to 经委",
        ]
    assert not any("谢谢" in str(e.data) or "您好" in str(e.data) for e in events)


def told(**filters):
    """(recipient, kind) of every notification recorded, whatever the channel."""
    return set(Notification.objects.filter(**filters).values_list("recipient", "kind"))


def rendered_for(user, language="en"):
    user.language = language
    user.save(update_fields=["language"])
    notification = Notification.objects.select_related("recipient", "item", "obligation__unit").get(
        recipient=user, channel="in_app"
    )
    return render(notification)


def test_the_proposers_are_told_of_the_units_message(
    item, unit, handler, head, co_handler, office, leader, proposer_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        write(handler, item, unit)
    assert told() == {(proposer_user.pk, NotificationKind.UNIT_MESSAGE)}
    body = rendered_for(proposer_user).body
    assert (
        body
        == f"区经委 sent you a message on item 0001 “关于加强社区养老服务的建议” on 2026-03-02. {item_link(item.pk)}"
    )


def test_the_units_handlers_are_told_of_a_proposers_message(
    item, unit, handler, head, co_handler, office, leader, proposer_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        write(proposer_user, item, unit)
    assert told() == {(handler.pk, NotificationKind.PROPOSER_MESSAGE)}
    message = rendered_for(handler)
    assert message.subject == "A message from the proposer: 0001 关于加强社区养老服务的建议"
    assert message.body == (
        "The proposer of item 0001 “关于加强社区养老服务的建议” sent 区经委 a message on 2026-03-02. "
        f"{item_link(item.pk)}"
    )


def test_the_unit_head_is_told_when_the_unit_has_no_handler(
    item, unit, handler, head, proposer_user, django_capture_on_commit_callbacks
):
    handler.memberships.update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        write(proposer_user, item, unit)
    assert told() == {(head.pk, NotificationKind.PROPOSER_MESSAGE)}


def test_a_co_units_message_is_told_in_its_name(
    item, co_unit, co_handler, proposer_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        write(co_handler, item, co_unit)
        write(proposer_user, item, co_unit)
    assert told() == {
        (proposer_user.pk, NotificationKind.UNIT_MESSAGE),
        (co_handler.pk, NotificationKind.PROPOSER_MESSAGE),
    }
    assert {n.params["unit"] for n in Notification.objects.all()} == {"区民政局"}


def test_a_proposers_message_goes_by_sms_with_its_template(
    settings, item, unit, handler, proposer_user, django_capture_on_commit_callbacks
):
    settings.SMS_TEMPLATES = {"proposer_message": "SMS_110"}
    handler.phone = "13800000000"
    handler.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        write(proposer_user, item, unit)
    sms = Notification.objects.select_related("recipient", "item", "obligation__unit").get(channel="sms")
    message = render(sms)
    assert (message.sms_template, message.sms_params["number"], message.sms_params["unit"]) == (
        "SMS_110",
        "0001",
        "区经委",
    )


def test_the_admin_lists_messages_read_only(admin_client, item, unit, handler):
    message = write(handler, item, unit)
    response = admin_client.get("/admin/workflow/message/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [message]
    assert admin_client.get(f"/admin/workflow/message/{message.pk}/change/").status_code == 200  # a view, no form
    assert admin_client.get("/admin/workflow/message/add/").status_code == 403
    assert admin_client.get(f"/admin/workflow/message/{message.pk}/delete/").status_code == 403


def test_twenty_double_clicks_send_twenty_messages(client, item, unit, handler):
    """Each click pair carries the same one-time token: the second changes nothing and lands where the first did."""
    client.force_login(handler)
    url = reverse("items:message", args=[item.pk])
    for n in range(20):
        token = str(uuid.uuid4())
        first, second = (client.post(url, {"unit": unit.pk, "text": f"第{n}条", "submit_token": token}) for _ in "12")
        assert (first.status_code, second.status_code) == (302, 302)
        assert second["Location"] == first["Location"]
    assert Message.objects.count() == 20
