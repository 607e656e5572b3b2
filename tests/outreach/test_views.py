"""码上约's pages: the public form and private page, the deputy's inbox and acts, the poster, the office's counts."""

import io
import uuid

import pypdfium2
import pytest
import time_machine
import zxingcpp
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outreach.models import DistrictSetting, Message
from submissions.models import Submission
from workflow.services import outreach

from ..factories import MembershipFactory, UserFactory
from .conftest import NOW

pytestmark = pytest.mark.django_db
INBOX = reverse("outreach:inbox")
COUNTS = reverse("outreach:counts")


@pytest.fixture(autouse=True)
def _english_and_now(settings):
    settings.LANGUAGE_CODE = "en"
    settings.SITE_URL = "https://jianyi.example.gov.cn"
    with time_machine.travel(NOW, tick=False):
        yield


def as_user(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def token():
    return str(uuid.uuid4())


def write(client, code, text="小区门口路灯坏了", **fields):
    data = {"text": text, "neighbourhood": "", "phone": "", "submit_token": token(), **fields}
    return client.post(reverse("outreach:write", args=[code.code]), data, REMOTE_ADDR=fields.pop("addr", "127.0.0.1"))


def test_a_resident_writes_without_login_and_reads_the_answer_at_the_private_link(client, deputy_user, code):
    form = client.get(reverse("outreach:write", args=[code.code]))
    assert form.status_code == 200 and "陈代表" in form.content.decode()
    assert 'name="submit_token"' in form.content.decode()
    response = write(client, code, phone="138 0000 0000", may_contact="on", neighbourhood="莘庄镇")
    message = Message.objects.get()
    private = reverse("outreach:resident", args=[message.private_code])
    assert response.status_code == 302 and response["Location"] == private
    page = client.get(private).content.decode()
    assert message.private_code in page and "Your deputy has not answered yet." in page
    assert "138 0000 0000" not in page  # the phone is the deputy's and the office's to read
    outreach.answer(actor=deputy_user, now=NOW, message=message, text="已联系街道维修路灯。")
    page = client.get(private).content.decode()
    assert "已联系街道维修路灯。" in page and "Your deputy has answered." in page


def test_the_same_form_sent_twice_leaves_one_message(client, code):
    data = {"text": "路灯", "submit_token": token()}
    url = reverse("outreach:write", args=[code.code])
    first, second = client.post(url, data), client.post(url, data)
    assert first["Location"] == second["Location"] and Message.objects.count() == 1


def test_a_form_without_its_token_is_refused(code):
    response = Client().post(reverse("outreach:write", args=[code.code]), {"text": "路灯"})
    assert response.status_code == 400 and "Reload the page" in response.content.decode()
    assert not Message.objects.exists()


def test_a_revoked_code_says_so_and_takes_nothing(client, deputy, deputy_user, code):
    outreach.revoke_code(actor=deputy_user, now=NOW, proposer=deputy)
    page = client.get(reverse("outreach:write", args=[code.code]))
    assert page.status_code == 410 and "no longer in use" in page.content.decode()
    assert write(client, code).status_code == 410
    assert not Message.objects.exists()
    assert client.get(reverse("outreach:write", args=["ZZZZZZZZZZ"])).status_code == 404


def test_the_twenty_first_message_from_one_address_is_refused_with_a_clear_error(client, district, deputy_user, code):
    other_user = UserFactory(username="third")
    from ..factories import ProposerFactory

    third = ProposerFactory(district=district, body="npc", name="吴代表")
    MembershipFactory(user=other_user, role="proposer", district=district, proposer=third)
    other_code = outreach.issue_code(actor=other_user, now=NOW, proposer=third)
    codes = [code, other_code] * 10  # ten to each: no code reaches its own limit
    assert [write(client, c, f"第{n}条").status_code for n, c in enumerate(codes)] == [302] * 20
    refused = write(client, code, "第21条")
    assert refused.status_code == 429
    assert "Too many messages were sent from your address" in refused.content.decode()
    assert "第21条" in refused.content.decode()  # what was typed is kept
    assert Message.objects.count() == 20
    assert write(client, code, "别处", addr="10.9.8.7").status_code == 302


def test_the_twenty_first_message_to_one_code_is_refused_with_a_clear_error(client, code):
    for n in range(20):
        outreach.receive(now=NOW, code=code, text=f"第{n}条")
    refused = write(client, code, addr="10.0.0.9")
    assert refused.status_code == 429
    assert "received many messages in the last hour" in refused.content.decode()


def test_a_script_in_a_message_is_shown_as_text(client, deputy_user, code, office):
    write(client, code, '<script>alert("x")</script>', neighbourhood="<b>小区</b>")
    message = Message.objects.get()
    pages = [
        client.get(reverse("outreach:resident", args=[message.private_code])),
        as_user(client, deputy_user).get(INBOX),
        client.get(reverse("outreach:message", args=[message.pk])),
        as_user(client, office).get(reverse("outreach:office_messages", args=[message.proposer_id])),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert" not in html and "<b>小区</b>" not in html
    assert "&lt;script&gt;alert" in pages[0].content.decode()


def test_the_deputy_answers_dismisses_hides_and_turns_two_into_one_suggestion(client, deputy_user, send):
    first, second, third, fourth, spam = (send(t) for t in ("遮雨棚", "站台太窄", "路灯", "噪音", "广告"))
    client = as_user(client, deputy_user)
    page = client.get(INBOX).content.decode()
    assert all(f'data-message="{m.pk}"' in page for m in (first, second, third, fourth, spam))
    assert client.get(reverse("outreach:message", args=[third.pk])).status_code == 200
    third.refresh_from_db()
    assert third.read_at is not None
    answered = client.post(reverse("outreach:answer", args=[third.pk]), {"text": "已报修", "submit_token": token()})
    assert answered.status_code == 302
    refused = client.post(
        reverse("outreach:dismiss", args=[fourth.pk]), {"dismiss-reason": "", "submit_token": token()}
    )
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    client.post(reverse("outreach:dismiss", args=[fourth.pk]), {"dismiss-reason": "不属实", "submit_token": token()})
    client.post(reverse("outreach:hide", args=[spam.pk]), {"hide-reason": "广告", "submit_token": token()})
    made = client.post(reverse("outreach:suggest"), {"messages": [first.pk, second.pk], "submit_token": token()})
    draft = Submission.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("submissions:detail", args=[draft.pk])
    states = dict(Message.objects.values_list("pk", "state"))
    assert states == {
        first.pk: "suggestion",
        second.pk: "suggestion",
        third.pk: "answered",
        fourth.pk: "dismissed",
        spam.pk: "hidden",
    }
    shown = client.get(INBOX + "?show=all").content.decode()
    assert f'data-message="{spam.pk}"' not in shown
    assert f'data-message="{spam.pk}"' in client.get(INBOX + "?show=hidden").content.decode()
    again = client.post(reverse("outreach:answer", args=[third.pk]), {"text": "再答", "submit_token": token()})
    assert again.status_code == 400 and "already dealt with" in again.content.decode()


def test_another_deputy_cannot_read_or_act_on_the_messages(client, other_deputy_user, send):
    message = send()
    client = as_user(client, other_deputy_user)
    assert f'data-message="{message.pk}"' not in client.get(INBOX).content.decode()
    assert client.get(reverse("outreach:message", args=[message.pk])).status_code == 404
    data = {"text": "x", "submit_token": token()}
    assert client.post(reverse("outreach:answer", args=[message.pk]), data).status_code == 404
    made = client.post(reverse("outreach:suggest"), {"messages": [message.pk], "submit_token": token()})
    assert made.status_code == 400  # not among the deputy's messages to choose from
    message.refresh_from_db()
    assert message.state == Message.State.WAITING and not Submission.objects.exists()


def test_other_roles_have_no_inbox_and_deputies_no_counts(client, office, handler, deputy_user, deputy):
    assert as_user(client, office).get(INBOX).status_code == 403
    assert as_user(client, handler).get(INBOX).status_code == 403
    assert as_user(client, deputy_user).get(COUNTS).status_code == 403
    assert as_user(client, office).get(reverse("outreach:poster", args=[deputy.pk])).status_code == 403
    client.logout()
    assert client.get(INBOX).status_code == 302  # to the login


def test_the_poster_holds_a_qr_code_that_reads_as_the_link(client, deputy, deputy_user, code):
    response = as_user(client, deputy_user).get(reverse("outreach:poster", args=[deputy.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(io.BytesIO(response.content))
    assert len(document) == 1
    page = document[0]
    assert round(page.get_width() / 72 * 25.4) == 210 and round(page.get_height() / 72 * 25.4) == 297  # A4
    image = page.render(scale=2).to_pil()
    found = zxingcpp.read_barcodes(image)
    assert [f.text for f in found] == [f"https://jianyi.example.gov.cn/q/{code.code}/"]
    text = page.get_textpage().get_text_range()
    assert "陈代表" in text and "莘庄镇第3选区" in text


def test_issuing_and_revoking_from_the_inbox(client, deputy, deputy_user, code):
    client = as_user(client, deputy_user)
    assert code.code in client.get(INBOX).content.decode()
    assert client.post(reverse("outreach:issue", args=[deputy.pk]), {"submit_token": token()}).status_code == 302
    code.refresh_from_db()
    assert not code.live
    new = outreach.live_code(deputy)
    assert client.post(reverse("outreach:revoke", args=[deputy.pk]), {"submit_token": token()}).status_code == 302
    refused = client.post(reverse("outreach:revoke", args=[deputy.pk]), {"submit_token": token()})
    assert refused.status_code == 400 and "no code in use" in refused.content.decode()
    new.refresh_from_db()
    assert not new.live
    assert client.get(reverse("outreach:poster", args=[deputy.pk])).status_code == 404


def test_the_office_counts_per_deputy_and_month_and_reads_the_phone(
    client, office, outsider, deputy_user, deputy, send
):
    send("一", phone="13800000000")
    answered = send("二")
    outreach.answer(actor=deputy_user, now=NOW, message=answered, text="好")
    outreach.turn_into_suggestion(actor=deputy_user, now=NOW, messages=[send("三")])
    page = as_user(client, office).get(COUNTS)
    rows = page.context["by_deputy"]
    assert [(r["deputy"], r["received"], r["answered"], r["suggestion"], r["waiting"]) for r in rows] == [
        (deputy, 3, 1, 1, 1)
    ]
    assert [(r["month"], r["received"]) for r in page.context["by_month"]] == [(3, 3)]
    messages = client.get(reverse("outreach:office_messages", args=[deputy.pk])).content.decode()
    assert "13800000000" in messages
    other = as_user(client, outsider)
    assert other.get(COUNTS).context["by_deputy"] == []
    assert other.get(reverse("outreach:office_messages", args=[deputy.pk])).status_code == 404


def test_the_inbox_runs_a_constant_number_of_queries(client, deputy_user, send, django_assert_num_queries):
    for n in range(5):
        send(f"第{n}条")
    client = as_user(client, deputy_user)
    client.get(INBOX)
    # session, user with roles (the auth backend), the deputies with whether each may have a code,
    # the tab's and the waiting counts together, the live codes, the page of messages with their
    # deputies and drafts: 6
    with django_assert_num_queries(6):
        client.get(INBOX)
    for n in range(10):
        send(f"再{n}条")
    with django_assert_num_queries(6):
        client.get(INBOX)


def test_the_offices_pages_cost_the_same_for_few_or_many_messages(client, office, deputy_user, deputy, send):
    def counted(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client = as_user(client, office)
    messages_url = reverse("outreach:office_messages", args=[deputy.pk])
    outreach.turn_into_suggestion(actor=deputy_user, now=NOW, messages=[send("一")])
    few = counted(COUNTS), counted(messages_url)
    for n in range(12):
        answered = send(f"第{n}条")
        if n % 3 == 0:
            outreach.answer(actor=deputy_user, now=NOW, message=answered, text="好")
    assert (counted(COUNTS), counted(messages_url)) == few


def test_the_office_chooses_whether_members_have_codes(client, district, office, proposer_user, other_district):
    client = as_user(client, office)
    assert client.post(reverse("outreach:members", args=[district.pk]), {"enabled": "on"}).status_code == 302
    assert DistrictSetting.objects.get(district=district).members_enabled
    assert client.post(reverse("outreach:members", args=[other_district.pk]), {"enabled": "on"}).status_code == 404
    assert as_user(client, proposer_user).post(reverse("outreach:members", args=[district.pk])).status_code == 403
