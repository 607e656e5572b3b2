"""依申请公开 in the browser: the public's form (no login, rate-limited) and the office's queue and decision."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from proposals.models import Item
from tests.conftest import NOW, BrowserClient
from tests.factories import ProposerFactory
from tests.workflow.flow import receive
from workflow.models import DisclosureRequest, Reply
from workflow.services import disclosure, intake

from .conftest import send_reply

pytestmark = pytest.mark.django_db

FORM = {"name": "李明", "contact": "liming@example.cn", "reason": "研究社区养老政策"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def english(client, user=None):
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_url(item):
    return reverse("disclosure:request", args=[item.pk])


def decide_url(request):
    return reverse("disclosure:decide", args=[request.pk])


def field_errors(response, name):
    """The error texts shown inside the field's block (`templates/_field.html`)."""
    html = response.content.decode()
    start = html.index(f'class="field field-{name}')
    return html[start : html.index("</div>", start)]


def test_anyone_may_open_the_form_of_a_reply_disclosed_on_request(replied):
    response = english(BrowserClient()).get(form_url(replied))

    assert response.status_code == 200
    page = response.content.decode()
    assert replied.number in page and replied.title in page and "区经委" in page
    assert Reply.objects.get(assignment__item=replied).text not in page  # asked for, not shown
    assert "no-store" in response["Cache-Control"]  # a form with its CSRF token is never cached


@pytest.mark.parametrize("consent", [Item.Disclosure.PUBLIC, Item.Disclosure.PRIVATE])
def test_another_consent_is_not_found(replied, consent):
    Item.objects.filter(pk=replied.pk).update(disclosure=consent)

    assert BrowserClient().get(form_url(replied)).status_code == 404
    assert BrowserClient().post(form_url(replied), FORM).status_code == 404


def test_an_item_without_a_sent_reply_or_none_at_all_is_not_found(accepted):
    assert BrowserClient().get(form_url(accepted[0].item)).status_code == 404
    assert BrowserClient().get(reverse("disclosure:request", args=[999999])).status_code == 404


def test_an_anonymous_request_is_sent_and_thanked(replied):
    client = english(BrowserClient())
    response = client.post(form_url(replied), FORM)

    assert response.status_code == 302
    assert response["Location"] == reverse("disclosure:request_sent", args=[replied.pk])
    request = DisclosureRequest.objects.get()
    assert (request.name, request.contact, request.channel, request.state) == (
        "李明",
        "liming@example.cn",
        "email",
        "pending",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Your request was sent to the district office." in page


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"name": ""}, "name", "Give your name."),
        ({"contact": "liming at example"}, "contact", "an 11-digit mobile number"),
        ({"reason": ""}, "reason", "Say why you ask for this reply."),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_kept(replied, change, field, says):
    response = english(BrowserClient()).post(form_url(replied), {**FORM, **change})

    assert response.status_code == 400
    assert says in field_errors(response, field)
    assert 'value="李明"' in response.content.decode() or field == "name"
    assert not DisclosureRequest.objects.exists()


def test_asking_twice_while_waiting_says_so(replied):
    client = english(BrowserClient())
    client.post(form_url(replied), FORM)
    response = client.post(form_url(replied), FORM)

    assert response.status_code == 409
    assert "You have already asked for this reply" in response.content.decode()
    assert DisclosureRequest.objects.count() == 1


def test_a_double_click_files_one_request(replied):
    """Two posts of the same form (its one-time token): one request, the second sent where the first went."""
    client = english(BrowserClient())
    form = {**FORM, "submit_token": "6f1c2b8e-4a0d-4c55-9a53-2f8f0f0e7b11"}
    first = client.post(form_url(replied), form)
    second = client.post(form_url(replied), form)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == reverse("disclosure:request_sent", args=[replied.pk])
    assert DisclosureRequest.objects.count() == 1
    assert "nothing was done a second time" in client.get(second["Location"]).content.decode()


def test_the_public_form_carries_its_one_time_token(replied):
    page = BrowserClient().get(form_url(replied)).content.decode()

    assert 'name="submit_token"' in page


def test_requests_are_rate_limited_per_address(replied):
    client = english(BrowserClient())
    for n in range(5):
        assert client.post(form_url(replied), {**FORM, "contact": f"p{n}@example.cn"}).status_code == 302

    response = client.post(form_url(replied), {**FORM, "contact": "p9@example.cn"})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert DisclosureRequest.objects.count() == 5
    other = BrowserClient(REMOTE_ADDR="10.0.0.9")
    assert other.post(form_url(replied), {**FORM, "contact": "p9@example.cn"}).status_code == 302


def test_the_office_queue_counts_and_lists_its_districts_requests(client, requested, office):
    response = english(client, office).get(reverse("disclosure:queue"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 request waits for your decision." in page
    assert requested.item.number in page and "李明" in page and decide_url(requested) in page


def test_another_districts_office_sees_no_request_and_gets_404(client, requested, outsider):
    english(client, outsider)

    assert "李明" not in client.get(reverse("disclosure:queue")).content.decode()
    assert client.get(decide_url(requested)).status_code == 404
    assert client.post(decide_url(requested), {"decision": "grant"}).status_code == 404
    requested.refresh_from_db()
    assert requested.state == "pending"


@pytest.mark.parametrize("who", ["handler", "proposer_user"])
def test_other_roles_are_refused(client, requested, request, who):
    english(client, request.getfixturevalue(who))

    assert client.get(reverse("disclosure:queue")).status_code == 403
    assert client.get(decide_url(requested)).status_code == 403
    assert client.post(decide_url(requested), {"decision": "grant"}).status_code == 403


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("other_handler", 404)])
def test_a_request_is_refused_by_role_where_its_item_is_seen_and_not_found_elsewhere(
    client, requested, request, who, status
):
    """The rule of every refusal: the district's leader sees the item (403); another unit does not (404)."""
    english(client, request.getfixturevalue(who))

    assert client.get(decide_url(requested)).status_code == status
    assert client.post(decide_url(requested), {"decision": "grant"}).status_code == status
    requested.refresh_from_db()
    assert requested.state == "pending"


def test_anonymous_office_pages_ask_to_log_in(requested):
    assert BrowserClient().get(reverse("disclosure:queue"))["Location"].startswith("/login/")
    assert BrowserClient().get(decide_url(requested))["Location"].startswith("/login/")


def test_the_office_reads_who_asks_and_grants(
    client, requested, office, mailoutbox, django_capture_on_commit_callbacks
):
    english(client, office)
    page = client.get(decide_url(requested)).content.decode()
    assert "李明" in page and "liming@example.cn" in page and "研究社区养老政策" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(requested), {"decision": "grant"})

    assert response.status_code == 302 and response["Location"] == reverse("disclosure:queue")
    assert mailoutbox[0].to == ["liming@example.cn"]
    queue = client.get(reverse("disclosure:queue")).content.decode()
    assert "No request waits for a decision." in queue and "answer sent by Email" in queue


def test_a_refusal_without_reason_is_shown_beside_the_reason(client, requested, office):
    response = english(client, office).post(decide_url(requested), {"decision": "refuse", "reason": " "})

    assert response.status_code == 400
    assert "Say why the request is refused." in field_errors(response, "reason")
    requested.refresh_from_db()
    assert requested.state == "pending"


def test_no_decision_chosen_is_shown_beside_it(client, requested, office):
    response = english(client, office).post(decide_url(requested), {"reason": ""})

    assert response.status_code == 400
    assert "Choose to grant or to refuse." in field_errors(response, "decision")


def test_deciding_a_decided_request_is_a_conflict(client, requested, office):
    english(client, office)
    client.post(decide_url(requested), {"decision": "refuse", "reason": "不符合条件"})
    response = client.post(decide_url(requested), {"decision": "grant"})

    assert response.status_code == 409
    assert "This request has already been decided." in response.content.decode()


def test_the_item_page_shows_proposers_the_steps_not_the_requester(client, requested, office, proposer_user):
    disclosure.decide_disclosure(actor=office, now=NOW, request=requested, grant=True)

    page = english(client, proposer_user).get(reverse("items:detail", args=[requested.item_id])).content.decode()
    assert "A member of the public asked for the reply" in page
    assert "The office granted a request for the reply" in page
    assert "李明" not in page and "liming@example.cn" not in page


def _requests(office, proposer, unit, handler, head, leader, count, start):
    for n in range(start, start + count):
        item = intake.register_item(
            actor=office, now=NOW, item=receive(office, proposer, now=NOW, number=f"{n:04d}", title=f"件{n}")
        )
        item = send_reply(item, office=office, unit=unit, handler=handler, head=head, leader=leader)
        request = disclosure.request_disclosure(
            now=NOW, item=item, name=f"申请人{n}", contact=f"p{n}@example.cn", reason="了解"
        )
        if n % 2:
            disclosure.decide_disclosure(actor=office, now=NOW, request=request, grant=False, reason="不符合条件")


def test_the_queue_runs_the_same_queries_at_two_sizes(
    client, office, district, unit, handler, head, leader, django_assert_max_num_queries
):
    proposer = ProposerFactory(district=district, name="王代表")
    english(client, office)
    _requests(office, proposer, unit, handler, head, leader, 2, start=100)
    with django_assert_max_num_queries(5) as small:
        assert client.get(reverse("disclosure:queue")).status_code == 200
    _requests(office, proposer, unit, handler, head, leader, 12, start=200)
    with django_assert_max_num_queries(len(small)) as large:
        response = client.get(reverse("disclosure:queue"))
    assert "7 requests wait for your decision." in response.content.decode()
    assert len(large) == len(small)


def test_a_failed_answer_is_shown_and_sent_again(
    client, replied, office, sms, monkeypatch, django_capture_on_commit_callbacks
):
    from .conftest import RecordingSMSBackend

    request = disclosure.request_disclosure(now=NOW, item=replied, name="李明", contact="13800138000", reason="了解")
    working = RecordingSMSBackend.send
    monkeypatch.setattr(RecordingSMSBackend, "send", lambda self, *args: (_ for _ in ()).throw(OSError("gateway down")))
    english(client, office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url(request), {"decision": "grant"})
    page = client.get(decide_url(request)).content.decode()
    assert "the answer could not be sent:" in page and "gateway down" in page

    monkeypatch.setattr(RecordingSMSBackend, "send", working)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("disclosure:resend", args=[request.pk]), {})
    assert response.status_code == 302
    assert [m["phone"] for m in sms] == ["13800138000"]
    assert "answer sent by SMS" in client.get(decide_url(request)).content.decode()

    again = client.post(reverse("disclosure:resend", args=[request.pk]), {})
    assert again.status_code == 400  # sent: nothing to send again
    assert len(sms) == 1


def test_only_the_office_sends_an_answer_again(client, requested, handler, outsider):
    assert english(client, handler).post(reverse("disclosure:resend", args=[requested.pk]), {}).status_code == 403
    assert (
        english(BrowserClient(), outsider).post(reverse("disclosure:resend", args=[requested.pk]), {}).status_code
        == 404
    )


def test_the_office_chooses_the_files_sent_by_email(
    client, requested, letter, office, mailoutbox, django_capture_on_commit_callbacks
):
    english(client, office)
    page = client.get(decide_url(requested)).content.decode()
    assert f'value="{letter.pk}"' in page and "答复函.pdf" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(requested), {"decision": "grant", "attachments": [letter.pk]})

    assert response.status_code == 302
    assert [name for name, _content, _type in mailoutbox[0].attachments] == ["答复函.pdf"]
    assert "答复函.pdf" in client.get(decide_url(requested)).content.decode()  # listed as sent
