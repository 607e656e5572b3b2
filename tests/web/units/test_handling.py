"""A handling unit's acts on its assignment (web/units/handling): each through its page.

Per act: done (and what it says), the wrong role (403: the office, a district leader), another
unit of the same district and another district (404), the wrong state and bad input (the
service's sentence beside the field, nothing saved), a double submit acting once; the item
page's panel offering each act where it applies; a constant number of queries per page.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from districts.models import Role
from proposals.models import Attachment, Item
from tests.factories import MembershipFactory, UnitFactory
from web.units.handling.panel import offers
from workflow.models import Assignment, Consultation, CoUnitOpinion, Event, Extension, Obligation
from workflow.selectors import get_item_for
from workflow.services import assignment as assign
from workflow.services import extensions, intake, opinions

from ...workflow.flow import consult, receive

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday: accept by 9 March
SOON = NOW + dt.timedelta(days=1)
LATE = dt.datetime(2026, 3, 12, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # the acceptance window has closed


@pytest.fixture(autouse=True)
def _private_media_and_clock(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"
    with time_machine.travel(SOON, tick=False) as clock:
        yield clock


@pytest.fixture
def clock(_private_media_and_clock):
    return _private_media_and_clock


def pdf(name="form.pdf", content=b"%PDF-1.4 scanned form"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def url(name, item):
    return reverse(f"handling:{name}", args=[item.pk])


def page_url(item):
    return reverse("items:detail", args=[item.pk])


def errors(response, field=None, form="form"):
    form = response.context[form]
    return [str(e) for e in (form.errors.get(field, []) if field else form.non_field_errors())]


# --- who may: the units of the item, nobody else ------------------------------------------------

ACTS = ["accept", "return", "consultation", "consultation_waiver", "opinion", "extension"]


@pytest.mark.parametrize("name", ACTS)
def test_the_office_and_a_leader_are_refused_another_unit_and_district_find_nothing(
    client, name, accepted, office, leader, other_handler, outsider
):
    lead, _co = accepted
    for user, status in ((office, 403), (leader, 403), (other_handler, 404), (outsider, 404)):
        client.force_login(user)
        assert client.get(url(name, lead.item)).status_code == status, user
        data = {"assignment": lead.pk, "return-assignment": lead.pk, "reason": "x", "text": "x"}
        assert client.post(url(name, lead.item), data).status_code == status, user
    assert not Consultation.objects.exists() and not CoUnitOpinion.objects.exists()
    assert not Extension.objects.exists()


def test_the_pages_ask_for_a_login(client, assigned):
    response = client.get(url("accept", assigned[0].item))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- accept or return -------------------------------------------------------------------------


def test_the_handler_accepts_inside_the_window(client, assigned, handler):
    lead, _co = assigned
    client.force_login(handler)
    response = client.get(url("accept", lead.item))
    assert "by 2026-03-09" in response.content.decode()
    response = client.post(url("accept", lead.item), {"accept-assignment": lead.pk}, follow=True)
    assert response.redirect_chain == [(page_url(lead.item), 302)]
    assert "区经委 accepted the assignment." in response.content.decode()
    assert Assignment.objects.get(pk=lead.pk).state == Assignment.State.ACCEPTED
    assert Obligation.objects.get(assignment=lead, kind="acceptance").on_time is True


def test_a_late_acceptance_is_said_before_and_after(client, assigned, handler, clock):
    lead, _co = assigned
    clock.move_to(LATE)
    client.force_login(handler)
    before = client.get(url("accept", lead.item)).content.decode()
    assert "The acceptance window closed on 2026-03-09." in before
    assert "recorded as a late acceptance (超期接收)" in before
    response = client.post(url("accept", lead.item), {"accept-assignment": lead.pk}, follow=True)
    assert "区经委 accepted the assignment late (超期接收): the acceptance window closed on 2026-03-09." in (
        response.content.decode()
    )
    assert Obligation.objects.get(assignment=lead, kind="acceptance").on_time is False


def test_the_unit_head_may_accept_as_the_service_allows(client, assigned, head):
    lead, _co = assigned
    client.force_login(head)
    assert client.post(url("accept", lead.item), {"accept-assignment": lead.pk}).status_code == 302


def test_accepting_twice_is_refused_and_a_double_submit_acts_once(client, assigned, handler):
    lead, _co = assigned
    client.force_login(handler)
    token = str(uuid.uuid4())
    data = {"accept-assignment": lead.pk, "submit_token": token}
    assert [client.post(url("accept", lead.item), data).status_code for _ in range(2)] == [302, 302]
    assert Event.objects.filter(action="assignment.accepted").count() == 1
    response = client.post(url("accept", lead.item), {"accept-assignment": lead.pk})
    assert response.status_code == 409
    assert errors(response, form="accept_form") == ["This assignment has already been accepted."]


def test_another_units_assignment_is_not_a_choice(client, assigned, handler):
    _lead, co = assigned
    client.force_login(handler)
    response = client.post(url("accept", co.item), {"accept-assignment": co.pk})
    assert response.status_code == 400 and errors(response, "assignment", form="accept_form")
    assert Assignment.objects.get(pk=co.pk).state == Assignment.State.PENDING


def test_a_return_needs_its_reason_and_keeps_nothing(client, assigned, handler):
    lead, _co = assigned
    client.force_login(handler)
    response = client.post(url("return", lead.item), {"return-assignment": lead.pk, "return-reason": "  "})
    assert response.status_code == 400
    assert errors(response, "reason", form="return_form") == ["Say why the unit returns the item."]
    assert Assignment.objects.get(pk=lead.pk).state == Assignment.State.PENDING


def test_the_handler_returns_with_the_reason(client, assigned, handler):
    lead, _co = assigned
    client.force_login(handler)
    data = {"return-assignment": lead.pk, "return-reason": "养老服务属民政局职责"}
    response = client.post(url("return", lead.item), data)
    assert response.status_code == 302 and response["Location"] == reverse("inbox:inbox")
    returned = Assignment.objects.get(pk=lead.pk)
    assert (returned.state, returned.return_reason) == (Assignment.State.RETURNED, "养老服务属民政局职责")
    # The unit no longer holds the item: it is out of its sight.
    assert client.get(page_url(lead.item)).status_code == 404


def test_a_return_after_the_window_is_refused_with_the_date(client, assigned, handler, clock):
    lead, _co = assigned
    clock.move_to(LATE)
    client.force_login(handler)
    response = client.post(url("return", lead.item), {"return-assignment": lead.pk, "return-reason": "非本单位职责"})
    assert response.status_code == 400
    assert errors(response, form="return_form") == [
        "The acceptance window ended on 2026-03-09; ask the office to reassign the item."
    ]
    assert response.context["return_form"]["reason"].value() == "非本单位职责"  # what was typed is kept


# --- a handler of two units picks the unit ------------------------------------------------------


def test_a_handler_of_two_units_picks_the_unit(client, assigned, handler, district, co_unit):
    lead, co = assigned
    MembershipFactory(user=handler, role=Role.HANDLER, district=district, unit=co_unit)
    client.force_login(handler)
    form = client.get(url("accept", lead.item)).context["accept_form"]
    assert [a.pk for a in form.fields["assignment"].queryset] == [lead.pk, co.pk]
    assert form.fields["assignment"].widget.input_type == "select"
    client.post(url("accept", lead.item), {"accept-assignment": co.pk})
    assert Assignment.objects.get(pk=co.pk).state == Assignment.State.ACCEPTED
    assert Assignment.objects.get(pk=lead.pk).state == Assignment.State.PENDING


# --- consultations ----------------------------------------------------------------------------


def consultation_data(assignment, **overrides):
    return {
        "assignment": assignment.pk,
        "method": Consultation.Method.MEETING,
        "held_on": "2026-03-02",
        "stage": Consultation.Stage.BEFORE,
        "participants": "张委员、经委承办人",
        "notes": "面商养老服务点选址",
        "form": pdf("meeting.pdf"),
        **overrides,
    }


def test_the_handler_records_a_consultation_with_its_scan(client, accepted, handler):
    lead, _co = accepted
    client.force_login(handler)
    assert client.get(url("consultation", lead.item)).status_code == 200
    response = client.post(url("consultation", lead.item), consultation_data(lead), follow=True)
    assert response.redirect_chain == [(page_url(lead.item), 302)]
    assert "The consultation of 区经委 is recorded." in response.content.decode()
    done = Consultation.objects.get()
    assert (done.on_behalf, done.recorded_by, done.form.original_name) == (False, handler, "meeting.pdf")
    assert Obligation.objects.get(assignment=lead, kind="consultation").fulfilled_at is not None


def test_a_consultation_without_a_scan_is_fine_for_the_unit(client, accepted, handler):
    lead, _co = accepted
    client.force_login(handler)
    assert client.post(url("consultation", lead.item), consultation_data(lead, form="")).status_code == 302
    assert Consultation.objects.get().form is None


def test_a_bad_file_or_a_future_date_is_refused_beside_the_field_and_nothing_is_kept(client, accepted, handler):
    lead, _co = accepted
    client.force_login(handler)
    response = client.post(url("consultation", lead.item), consultation_data(lead, form=pdf("record.exe", b"MZ")))
    assert response.status_code == 400
    assert "“record.exe” cannot be attached: only these file types are accepted" in errors(response, "form")[0]
    response = client.post(url("consultation", lead.item), consultation_data(lead, held_on="2026-03-09"))
    assert errors(response, "held_on") == ["A consultation cannot be dated in the future."]
    assert response.context["form"]["participants"].value() == "张委员、经委承办人"
    assert not Consultation.objects.exists() and not Attachment.objects.filter(purpose="consultation_form").exists()


def test_a_consultation_before_accepting_is_refused(client, assigned, handler):
    lead, _co = assigned
    client.force_login(handler)
    response = client.post(url("consultation", lead.item), consultation_data(lead))
    assert response.status_code == 400
    assert errors(response) == ["The unit must accept the assignment before consulting."]


def test_the_handler_records_that_the_proposer_declined(client, accepted, handler):
    lead, _co = accepted
    client.force_login(handler)
    data = {"assignment": lead.pk, "held_on": "2026-03-02", "notes": ""}
    response = client.post(url("consultation_waiver", lead.item), data)
    assert errors(response, "notes") == ["Record how the proposer declined the consultation."]
    data["notes"] = "委员本人电话告知不需要走访"
    response = client.post(url("consultation_waiver", lead.item), data, follow=True)
    assert "It is recorded that the proposer declined a consultation with 区经委." in response.content.decode()
    waiver = Consultation.objects.get()
    assert (waiver.method, waiver.on_behalf) == (Consultation.Method.WAIVER, False)


# --- a co-unit's opinion ------------------------------------------------------------------------


def test_the_co_unit_sends_its_opinion_with_files(client, accepted, co_handler):
    _lead, co = accepted
    client.force_login(co_handler)
    assert client.get(url("opinion", co.item)).status_code == 200
    data = {"assignment": co.pk, "text": "同意主办单位意见。\n\n建议增设服务点。", "attachments": [pdf("会办意见.pdf")]}
    response = client.post(url("opinion", co.item), data, follow=True)
    assert "The opinion of 区民政局 is sent to the lead unit." in response.content.decode()
    opinion = CoUnitOpinion.objects.get()
    assert opinion.text == "同意主办单位意见。\n\n建议增设服务点。"
    assert [a.original_name for a in opinion.attachments.all()] == ["会办意见.pdf"]
    assert Assignment.objects.get(pk=co.pk).state == Assignment.State.DONE
    response = client.post(url("opinion", co.item), {"assignment": co.pk, "text": "再次"})
    assert response.status_code == 409 and errors(response) == ["This unit's opinion is already in."]


def test_a_long_opinion_of_paragraphs_survives_unchanged(client, accepted, co_handler):
    _lead, co = accepted
    paragraphs = ["　　" + "同意主办单位意见，建议分两期建设社区养老服务点。" * 40 for _ in range(5)]
    client.force_login(co_handler)
    client.post(url("opinion", co.item), {"assignment": co.pk, "text": "\r\n\r\n".join(paragraphs)})
    assert CoUnitOpinion.objects.get().text == "\n\n".join(paragraphs)


def test_an_opinion_needs_its_text_and_a_bad_file_is_refused(client, accepted, co_handler):
    _lead, co = accepted
    client.force_login(co_handler)
    response = client.post(url("opinion", co.item), {"assignment": co.pk, "text": " ", "attachments": [pdf()]})
    assert response.status_code == 400 and errors(response, "text") == ["Write the unit's opinion."]
    data = {"assignment": co.pk, "text": "同意", "attachments": [pdf("opinion.exe", b"MZ")]}
    response = client.post(url("opinion", co.item), data)
    assert response.status_code == 400 and "“opinion.exe” cannot be attached" in errors(response, "attachments")[0]
    assert not CoUnitOpinion.objects.exists() and not Attachment.objects.filter(purpose="other").exists()


def test_an_opinion_before_accepting_is_refused(client, assigned, co_handler):
    _lead, co = assigned
    client.force_login(co_handler)
    response = client.post(url("opinion", co.item), {"assignment": co.pk, "text": "同意"})
    assert response.status_code == 400
    assert errors(response) == ["The unit must accept the assignment before sending its opinion."]


def test_the_lead_unit_sends_no_opinion(client, accepted, handler):
    lead, _co = accepted
    client.force_login(handler)
    assert client.get(url("opinion", lead.item)).status_code == 403


# --- more time to reply -----------------------------------------------------------------------


def test_the_handler_asks_for_more_time_and_sees_the_offices_decisions(client, accepted, handler, office):
    lead, _co = accepted
    refused = extensions.request_extension(
        actor=handler, now=NOW, assignment=lead, until=dt.date(2026, 7, 1), reason="需协调规划资源"
    )
    extensions.decide_extension(actor=office, now=NOW, extension=refused, grant=False, note="请按期答复")
    client.force_login(handler)
    page = client.get(url("extension", lead.item)).content.decode()
    assert "需协调规划资源" in page and "请按期答复" in page and "Refused" in page
    assert "the reply is due on 2026-06-02" in page
    data = {"assignment": lead.pk, "until": "2026-08-01", "reason": "选址需区规划部门确认"}
    response = client.post(url("extension", lead.item), data, follow=True)
    assert "The request for more time (until 2026-08-01) is sent to the office" in response.content.decode()
    assert Extension.objects.get(state="pending").reason == "选址需区规划部门确认"
    response = client.post(url("extension", lead.item), data)
    assert response.status_code == 409
    assert errors(response) == ["An extension request is already awaiting the office's decision."]


def test_after_the_reply_was_due_the_page_says_it_is_too_late(client, accepted, handler, clock):
    lead, _co = accepted
    clock.move_to(dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    client.force_login(handler)
    page = client.get(url("extension", lead.item)).content.decode()
    assert "the reply was due on 2026-06-02: an extension can only be asked for before the reply is due." in page
    response = client.post(url("extension", lead.item), {"assignment": lead.pk, "until": "2026-08-01", "reason": "x"})
    assert errors(response) == ["An extension must be requested before the reply is due (2026-06-02)."]


def test_an_extension_needs_its_reason_and_a_date_in_range(client, accepted, handler):
    lead, _co = accepted
    client.force_login(handler)
    response = client.post(url("extension", lead.item), {"assignment": lead.pk, "until": "2026-08-01", "reason": ""})
    assert errors(response, "reason") == ["Say why the unit needs more time."]
    response = client.post(url("extension", lead.item), {"assignment": lead.pk, "until": "2027-08-01", "reason": "x"})
    assert response.status_code == 400 and "no later than" in errors(response, "until")[0]
    response = client.post(url("extension", lead.item), {"assignment": lead.pk, "until": "8/1", "reason": "x"})
    assert errors(response, "until") == ["Enter a valid date."]
    assert not Extension.objects.exists()


def test_an_extension_before_accepting_is_refused_and_a_co_unit_asks_none(client, assigned, handler, co_handler):
    lead, co = assigned
    client.force_login(handler)
    response = client.post(url("extension", lead.item), {"assignment": lead.pk, "until": "2026-08-01", "reason": "x"})
    assert response.status_code == 400 and errors(response) == ["The unit must accept the assignment first."]
    client.force_login(co_handler)
    assert client.get(url("extension", co.item)).status_code == 403


# --- the item page's panel --------------------------------------------------------------------


def acts(user, item):
    item = get_item_for(user, item.pk)
    assignments = list(item.assignments.select_related("unit"))
    return [(act.url.rstrip("/").rsplit("/", 1)[-1], act.primary) for act in offers(user, item, assignments)]


def test_the_panel_offers_acceptance_first_then_the_acts_of_an_accepted_unit(assigned, handler, co_handler, office):
    lead, co = assigned
    assert acts(handler, lead.item) == [("accept", True)]
    assert acts(office, lead.item) == []
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    assert acts(handler, lead.item) == [
        ("consultation", True),
        ("consultation-declined", False),
        ("extension", False),
    ]
    assert acts(co_handler, co.item) == [("consultation", False), ("opinion", True)]
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意")
    consult(lead, handler, NOW)
    assert acts(co_handler, co.item) == []
    assert ("consultation", False) in acts(handler, lead.item)


def test_the_item_page_links_to_the_acts(client, assigned, handler):
    lead, _co = assigned
    client.force_login(handler)
    assert url("accept", lead.item) in client.get(page_url(lead.item)).content.decode()


# --- queries: the same for any number of units, consultations and requests --------------------


def _item_of_size(office, proposer, district, unit, handler, size):
    """An item `unit` leads and has accepted, with `size` co-units, consultations and refused extension requests."""
    received = receive(office, proposer, now=NOW, number=f"1{size:03d}", title=f"规模{size}")
    item = intake.register_item(actor=office, now=NOW, item=received)
    co_units = [UnitFactory(district=district, name=f"区单位{size}-{n}") for n in range(size)]
    lead, *_co = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit], co_units=co_units)
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    for _ in range(size):
        consult(lead, handler, NOW)
        asked = extensions.request_extension(
            actor=handler, now=NOW, assignment=lead, until=dt.date(2026, 7, 1), reason="需协调"
        )
        extensions.decide_extension(actor=office, now=NOW, extension=asked, grant=False, note="请按期答复")
    return item


@pytest.mark.parametrize(("name", "queries"), [("accept", 6), ("consultation", 5), ("consultation_waiver", 5),
                                               ("extension", 8)])  # fmt: skip
def test_each_page_runs_a_constant_number_of_queries(
    client, office, proposer, district, unit, handler, leader, name, queries, django_assert_num_queries
):
    small, large = (_item_of_size(office, proposer, district, unit, handler, size) for size in (0, 8))
    client.force_login(handler)
    for item in (small, large):
        with django_assert_num_queries(queries):
            assert client.get(url(name, item)).status_code == 200


def test_the_opinion_page_runs_a_constant_number_of_queries(
    client, office, proposer, district, unit, co_unit, co_handler, leader, django_assert_num_queries
):
    for size in (0, 8):
        received = receive(office, proposer, now=NOW, number=f"2{size:03d}", title=f"规模{size}")
        item = intake.register_item(actor=office, now=NOW, item=received)
        others = [UnitFactory(district=district, name=f"区会办{size}-{n}") for n in range(size)]
        _lead, co, *_ = assign.assign_units(
            actor=office, now=NOW, item=item, lead_units=[unit], co_units=[co_unit, *others]
        )
        assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
        client.force_login(co_handler)
        with django_assert_num_queries(5):
            assert client.get(url("opinion", item)).status_code == 200


def test_the_item_is_still_being_handled_after_a_refused_act(accepted):
    assert Item.objects.get().state == Item.State.HANDLING
