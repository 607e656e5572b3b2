"""The office acting for others and finishing items (web/office/records): each act through its page.

Per act: done (and what the next person sees), the wrong role (403), another district (404), the
wrong state (the service's sentence), bad input (beside the field), a double submit acting once.
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
from tests.factories import MembershipFactory, ProposerFactory, UnitFactory, UserFactory
from web.items.panel import Act
from web.office.records.offers import offers
from workflow.models import Consultation, CoUnitOpinion, Event, Feedback, Obligation, OutcomeCategory, RatingValue
from workflow.services import assignment as assign
from workflow.services import intake, opinions

from ...workflow.flow import consult, receive
from ...workflow.flow import reply as send

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
SOON = NOW + dt.timedelta(days=1)  # the feedback window (a month) is open
LATER = NOW + dt.timedelta(days=60)  # it has ended


@pytest.fixture(autouse=True)
def _private_media_and_clock(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"  # English sentences to assert; the users have no language of their own set
    with time_machine.travel(SOON, tick=False) as clock:
        yield clock


@pytest.fixture
def clock(_private_media_and_clock):
    return _private_media_and_clock


def category(scheme, code):
    return OutcomeCategory.objects.get(scheme__code=scheme, code=code)


def scan(name="form.pdf", content=b"%PDF-1.4 scanned form"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def replied(accepted, handler, head, leader, office, co_handler):
    """Replied with CPPCC C (留作参考): closes once the proposer agrees or the window ends."""
    lead, co = accepted
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见")
    consult(lead, handler, NOW)
    send(lead, handler=handler, head=head, leader=leader, office=office, category=category("cppcc", "C"), now=NOW)
    return Item.objects.get(pk=lead.item_id)


@pytest.fixture
def closed(replied, proposer, office):
    from workflow.services.feedback import record_feedback

    form = Attachment.objects.create(
        item=replied,
        purpose="feedback_form",
        file=scan(),
        original_name="f.pdf",
        content_type="application/pdf",
        size=9,
    )
    record_feedback(actor=office, now=NOW, item=replied, agrees=True, proposer=proposer, form=form)
    return Item.objects.get(pk=replied.pk)


def url(name, item):
    return reverse(f"records:{name}", args=[item.pk])


def page_url(item):
    return reverse("items:detail", args=[item.pk])


def errors(response, field=None):
    form = response.context["form"]
    return [str(e) for e in (form.errors.get(field, []) if field else form.non_field_errors())]


def rating(code):
    return RatingValue.objects.get(scale__code="quality", code=code)


# --- the feedback form ----------------------------------------------------------------------


def feedback_data(who, **overrides):
    return {"proposer": who.pk, "rating": rating("good").pk, "agrees": "yes", "form": scan(), **overrides}


def test_the_office_records_an_agreeing_feedback_form_and_the_item_closes(client, office, replied, proposer):
    client.force_login(office)
    assert client.get(url("feedback", replied)).status_code == 200
    response = client.post(url("feedback", replied), feedback_data(proposer, praised="on", comment="满意"), follow=True)
    assert response.redirect_chain == [(page_url(replied), 302)]
    assert "The feedback form of 张委员 is recorded." in response.content.decode()
    fb = Feedback.objects.get()
    assert (fb.on_behalf, fb.recorded_by, fb.agrees, fb.praised, fb.rating.code) == (True, office, True, True, "good")
    assert fb.form.purpose == Attachment.Purpose.FEEDBACK_FORM and fb.form.original_name == "form.pdf"
    assert Item.objects.get().state == Item.State.CLOSED
    assert "满意" in response.content.decode()  # the item page shows the feedback to its readers


def test_a_disagreement_needs_its_reason_and_keeps_what_was_typed(client, office, replied, proposer):
    client.force_login(office)
    response = client.post(url("feedback", replied), feedback_data(proposer, agrees="no", rating=rating("poor").pk))
    assert response.status_code == 400
    assert errors(response, "comment") == ["Say why the proposer disagrees with the reply."]
    assert response.context["form"]["agrees"].value() == "no"  # what was typed is kept
    assert not Feedback.objects.exists() and not Attachment.objects.filter(purpose="feedback_form").exists()
    assert list(Item.objects.values_list("state", flat=True)) == [Item.State.REPLIED]


def test_a_disagreement_with_its_reason_sends_the_item_back_to_the_units(client, office, replied, proposer):
    client.force_login(office)
    data = feedback_data(proposer, agrees="no", rating=rating("poor").pk, comment="养老服务点仍未落实")
    response = client.post(url("feedback", replied), data, follow=True)
    assert "the item goes back to the units for re-handling" in response.content.decode()
    item = Item.objects.get()
    assert (item.state, item.round) == (Item.State.HANDLING, 2)


def test_the_scanned_form_is_required_when_recording_for_the_proposer(client, office, replied, proposer):
    client.force_login(office)
    response = client.post(url("feedback", replied), feedback_data(proposer, form=""))
    assert response.status_code == 400
    assert errors(response, "form") == ["Attach the scanned feedback form when recording it for the proposer."]


def test_the_agreement_and_the_proposer_are_asked_for(client, office, replied, proposer):
    client.force_login(office)
    response = client.post(url("feedback", replied), feedback_data(proposer, agrees=""))
    assert errors(response, "agrees") == ["Say whether the proposer agrees with the reply."]
    response = client.post(url("feedback", replied), feedback_data(proposer, proposer="", form=scan()))
    assert errors(response, "proposer") == ["Choose the proposer whose feedback form this is."]


def test_a_file_that_is_not_what_its_name_says_is_refused_beside_the_field(client, office, replied, proposer):
    client.force_login(office)
    response = client.post(url("feedback", replied), feedback_data(proposer, form=scan(content=b"MZ not a pdf")))
    assert response.status_code == 400
    assert errors(response, "form") == ["“form.pdf” is not a real .pdf file: its content does not match its name."]
    assert not Attachment.objects.filter(purpose="feedback_form").exists()


def test_a_rating_of_another_scale_is_not_a_choice(client, office, replied, proposer):
    client.force_login(office)
    satisfied = RatingValue.objects.get(scale__code="satisfaction", code="satisfied")
    response = client.post(url("feedback", replied), feedback_data(proposer, rating=satisfied.pk))
    assert response.status_code == 400 and errors(response, "rating")


def test_a_second_form_of_the_same_proposer_is_refused(client, office, closed, proposer):
    client.force_login(office)
    response = client.post(url("feedback", closed), feedback_data(proposer))
    assert response.status_code == 409
    assert errors(response) == ["This proposer's feedback on this reply is already in."]


def test_feedback_before_the_reply_is_refused_with_the_services_reason(client, office, accepted, proposer):
    lead, _co = accepted
    client.force_login(office)
    response = client.post(url("feedback", lead.item), feedback_data(proposer))
    assert response.status_code == 400
    assert errors(response) == ["Feedback is given once the reply has been sent."]


def test_a_double_submit_records_the_feedback_once(client, office, replied, proposer):
    client.force_login(office)
    token = str(uuid.uuid4())
    first = client.post(url("feedback", replied), {**feedback_data(proposer), "submit_token": token})
    second = client.post(url("feedback", replied), {**feedback_data(proposer), "submit_token": token}, follow=True)
    assert first.status_code == 302 and second.redirect_chain[0] == (page_url(replied), 302)
    assert "already been sent" in second.content.decode()
    assert Feedback.objects.count() == 1 and Attachment.objects.filter(purpose="feedback_form").count() == 1


@pytest.mark.parametrize("name", ["feedback", "consultation", "consultation_waiver", "opinion_waiver", "close"])
def test_a_unit_or_a_proposer_is_refused_and_another_district_finds_nothing(
    client, name, replied, handler, proposer_user, outsider, proposer
):
    for user, status in ((handler, 403), (proposer_user, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(url(name, replied)).status_code == status
        assert client.post(url(name, replied), feedback_data(proposer)).status_code == status
    assert not Feedback.objects.exists() and Item.objects.get().state == Item.State.REPLIED


def test_the_pages_ask_for_a_login(client, replied):
    response = client.get(url("feedback", replied))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- consultations ----------------------------------------------------------------------------


def consultation_data(assignment, **overrides):
    return {
        "assignment": assignment.pk,
        "method": Consultation.Method.VISIT,
        "held_on": "2026-03-02",
        "stage": Consultation.Stage.BEFORE,
        "participants": "张委员、经委承办人",
        "notes": "实地查看养老服务点",
        "form": scan("visit.pdf"),
        **overrides,
    }


def test_the_office_records_a_units_consultation_from_its_scanned_record(client, office, accepted):
    lead, _co = accepted
    client.force_login(office)
    assert client.get(url("consultation", lead.item)).status_code == 200
    response = client.post(url("consultation", lead.item), consultation_data(lead), follow=True)
    assert response.redirect_chain == [(page_url(lead.item), 302)]
    assert "The consultation of 区经委 is recorded." in response.content.decode()
    done = Consultation.objects.get()
    assert (done.on_behalf, done.method, done.form.original_name) == (True, "visit", "visit.pdf")
    assert Obligation.objects.get(item=lead.item, kind="consultation").fulfilled_at is not None


def test_a_consultation_needs_its_scan_and_cannot_be_in_the_future(client, office, accepted):
    lead, _co = accepted
    client.force_login(office)
    response = client.post(url("consultation", lead.item), consultation_data(lead, form=""))
    assert errors(response, "form") == ["Attach the scanned consultation record when recording it for the proposer."]
    response = client.post(url("consultation", lead.item), consultation_data(lead, held_on="2026-03-09"))
    assert response.status_code == 400
    assert errors(response, "held_on") == ["A consultation cannot be dated in the future."]
    assert response.context["form"]["participants"].value() == "张委员、经委承办人"  # what was typed is kept
    response = client.post(url("consultation", lead.item), consultation_data(lead, held_on="3/2"))
    assert errors(response, "held_on") == ["Enter a valid date."]
    assert not Consultation.objects.exists() and not Attachment.objects.filter(purpose="consultation_form").exists()


def test_a_consultation_of_a_unit_that_has_not_accepted_is_refused(client, office, item, unit):
    (lead,) = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])
    client.force_login(office)
    response = client.post(url("consultation", item), consultation_data(lead))
    assert response.status_code == 400
    assert errors(response) == ["The unit must accept the assignment before consulting."]


def test_the_office_waives_a_consultation_the_proposer_declined(client, office, accepted):
    lead, _co = accepted
    client.force_login(office)
    data = {"assignment": lead.pk, "held_on": "2026-03-02", "notes": "", "form": scan("note.pdf")}
    response = client.post(url("consultation_waiver", lead.item), data)
    assert errors(response, "notes") == ["Record how the proposer declined the consultation."]
    data.update(notes="委员本人电话告知不需要走访", form=scan("note.pdf"))
    response = client.post(url("consultation_waiver", lead.item), data, follow=True)
    assert "The consultation with 区经委 is waived." in response.content.decode()
    waiver = Consultation.objects.get()
    assert (waiver.method, waiver.notes, waiver.on_behalf) == ("waiver", "委员本人电话告知不需要走访", True)
    assert Event.objects.filter(item=lead.item, action="consultation.waived").count() == 1


def test_a_double_submit_records_one_consultation(client, office, accepted):
    lead, _co = accepted
    client.force_login(office)
    token = str(uuid.uuid4())
    for _ in range(2):
        client.post(url("consultation", lead.item), {**consultation_data(lead), "submit_token": token})
    assert Consultation.objects.count() == 1


# --- a co-unit's opinion ----------------------------------------------------------------------


def test_the_office_waives_a_co_units_opinion_with_its_reason(client, office, accepted):
    _lead, co = accepted
    client.force_login(office)
    response = client.post(url("opinion_waiver", co.item), {"assignment": co.pk, "reason": " "})
    assert response.status_code == 400
    assert errors(response, "reason") == ["Say why the opinion is waived."]
    response = client.post(
        url("opinion_waiver", co.item), {"assignment": co.pk, "reason": "民政局已口头同意"}, follow=True
    )
    assert "The opinion of 区民政局 is waived." in response.content.decode()
    opinion = CoUnitOpinion.objects.get()
    assert (opinion.waived, opinion.waiver_reason) == (True, "民政局已口头同意")
    assert not opinions.missing_opinions(co.item).exists()


def test_an_opinion_already_in_cannot_be_waived(client, office, accepted, co_handler):
    _lead, co = accepted
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意")
    client.force_login(office)
    response = client.post(url("opinion_waiver", co.item), {"assignment": co.pk, "reason": "催办无果"})
    assert response.status_code == 409
    assert errors(response) == ["This unit's opinion is already in."]


def test_a_lead_assignment_is_not_a_co_unit_to_waive(client, office, accepted):
    lead, _co = accepted
    client.force_login(office)
    response = client.post(url("opinion_waiver", lead.item), {"assignment": lead.pk, "reason": "催办无果"})
    assert response.status_code == 400 and errors(response, "assignment")  # not among the choices


def test_a_double_submit_waives_once(client, office, accepted):
    _lead, co = accepted
    client.force_login(office)
    token = str(uuid.uuid4())
    responses = [
        client.post(url("opinion_waiver", co.item), {"assignment": co.pk, "reason": "催办无果", "submit_token": token})
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [302, 302]
    assert CoUnitOpinion.objects.count() == 1 and Event.objects.filter(action="opinion.waived").count() == 1


# --- closing ----------------------------------------------------------------------------------


def test_the_office_closes_an_item_whose_feedback_window_ended(client, office, replied, clock):
    clock.move_to(LATER)
    client.force_login(office)
    assert client.get(url("close", replied)).status_code == 200
    response = client.post(url("close", replied), follow=True)
    assert response.redirect_chain == [(page_url(replied), 302)]
    assert "The item is closed." in response.content.decode()
    assert Item.objects.get().state == Item.State.CLOSED
    assert Event.objects.filter(action="feedback.missed").count() == 1


def test_closing_while_the_feedback_window_is_open_says_so(client, office, replied):
    client.force_login(office)
    response = client.post(url("close", replied))
    assert response.status_code == 400
    assert errors(response) == [
        "The proposer's feedback window is still open; the item closes when they agree or it ends."
    ]
    assert Item.objects.get().state == Item.State.REPLIED


def test_closing_a_closed_item_or_one_not_replied_is_refused(client, office, closed, proposer):
    client.force_login(office)
    response = client.post(url("close", closed))
    assert (response.status_code, errors(response)) == (409, ["This item is already closed."])
    other = receive(office, proposer, now=NOW, number="0002", title="另一件")
    intake.register_item(actor=office, now=NOW, item=other)
    response = client.post(url("close", other))
    assert (response.status_code, errors(response)) == (400, ["Only a replied item can be closed."])


def test_a_double_submit_closes_once(client, office, replied, clock):
    clock.move_to(LATER)
    client.force_login(office)
    token = str(uuid.uuid4())
    for _ in range(2):
        assert client.post(url("close", replied), {"submit_token": token}).status_code == 302
    assert Event.objects.filter(action="item.closed").count() == 1


# --- corrections after closing ----------------------------------------------------------------


def test_the_office_corrects_the_items_record_with_a_reason(client, office, closed):
    client.force_login(office)
    response = client.get(url("item_correction", closed))
    assert response.context["form"]["title"].value() == "关于加强社区养老服务的建议"
    data = {"title": "关于加强社区居家养老服务的建议", "text": closed.text, "disclosure": closed.disclosure}
    response = client.post(url("item_correction", closed), {**data, "reason": ""})
    assert errors(response, "reason") == ["Say why the record is corrected."]
    response = client.post(url("item_correction", closed), {**data, "reason": "标题录入有误"}, follow=True)
    assert "The correction of the item&#x27;s record is recorded." in response.content.decode()
    event = Event.objects.get(action="item.corrected")
    assert event.data["before"] == {"title": "关于加强社区养老服务的建议"}
    assert event.data["after"] == {"title": "关于加强社区居家养老服务的建议"}
    assert Item.objects.get().title == "关于加强社区居家养老服务的建议"


def test_a_correction_that_changes_nothing_is_refused(client, office, closed):
    client.force_login(office)
    data = {"title": closed.title, "text": closed.text, "disclosure": closed.disclosure, "reason": "核对"}
    response = client.post(url("item_correction", closed), data)
    assert response.status_code == 400
    assert errors(response) == ["Nothing was changed: change the field to correct, or go back to the item."]
    assert not Event.objects.filter(action="item.corrected").exists()


def test_the_office_corrects_a_sent_replys_outcome(client, office, closed):
    reply = closed.assignments.get(role="lead").replies.get()
    client.force_login(office)
    response = client.post(
        url("reply_correction", closed), {"reply": reply.pk, "category": "", "reason": "答复类型不当"}
    )
    assert errors(response, "category") == ["Choose an outcome category."]
    planned = category("cppcc", "B")
    data = {"reply": reply.pk, "category": planned.pk, "reason": "答复类型不当"}
    response = client.post(url("reply_correction", closed), data, follow=True)
    assert "is corrected to B" in response.content.decode()
    reply.refresh_from_db()
    assert (reply.category.code, reply.category_at_reply.code) == ("B", "C")


def test_a_category_of_another_scheme_is_not_a_choice(client, office, closed):
    reply = closed.assignments.get(role="lead").replies.get()
    client.force_login(office)
    data = {"reply": reply.pk, "category": category("npc", "1").pk, "reason": "答复类型不当"}
    response = client.post(url("reply_correction", closed), data)
    assert response.status_code == 400 and errors(response, "category")


@pytest.mark.parametrize("name", ["item_correction", "reply_correction"])
def test_corrections_are_the_offices_alone(client, name, closed, handler, outsider):
    for user, status in ((handler, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(url(name, closed)).status_code == status
        assert client.post(url(name, closed), {"title": "x", "reason": "x"}).status_code == status
    assert not Event.objects.filter(action__in=["item.corrected", "reply.corrected"]).exists()


# --- the item page's acts ---------------------------------------------------------------------


def labels(acts):
    return [(act.label, act.primary) for act in acts]


def test_the_office_is_offered_each_act_where_it_applies(office, accepted, handler, proposer_user):
    from web.items.page import _assignments

    lead, _co = accepted
    item = lead.item
    acts = offers(office, item, _assignments(office, item))
    assert all(isinstance(act, Act) for act in acts)
    assert [label for label, _primary in labels(acts)] == [
        "Record a consultation",
        "Waive the consultation",
        "Waive a co-unit's opinion",
    ]
    assert offers(handler, item, _assignments(handler, item)) == []
    assert offers(proposer_user, item, []) == []


def test_a_replied_item_offers_the_feedback_form_first_and_a_closed_one_its_corrections(office, closed, proposer):
    from web.items.page import _assignments
    from workflow.selectors import get_item_for

    item = get_item_for(office, closed.pk)
    assert [label for label, _p in labels(offers(office, item, _assignments(office, item)))] == [
        "Correct the item's record",
        "Correct a reply's outcome",
    ]
    other = ProposerFactory(district=closed.district, name="李委员")
    replied_item = receive(office, other, now=NOW, number="0002", title="另一件")
    replied_item = get_item_for(office, intake.register_item(actor=office, now=NOW, item=replied_item).pk)
    assert offers(office, replied_item, []) == []  # registered, not yet assigned: nothing of this workspace


# --- what the pages cost ----------------------------------------------------------------------


def unit_with_people(district, name):
    unit = UnitFactory(district=district, name=name)
    people = []
    for role in (Role.HANDLER, Role.UNIT_HEAD):
        user = UserFactory(username=f"{role}_{unit.pk}")
        MembershipFactory(user=user, role=role, district=district, unit=unit)
        people.append(user)
    return unit, *people


def replied_by_leads(office, proposer, leader, units, *, number):
    """An item with one lead per unit (分办), each replied with CPPCC A."""
    item = intake.register_item(
        actor=office, now=NOW, item=receive(office, proposer, now=NOW, number=number, title="件")
    )
    leads = assign.assign_units(
        actor=office, now=NOW, item=item, lead_units=[u for u, _h, _d in units], split=len(units) > 1
    )
    for lead, (_unit, handler, head) in zip(leads, units, strict=True):
        assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
        consult(lead, handler, NOW)
        send(lead, handler=handler, head=head, leader=leader, office=office, category=category("cppcc", "A"), now=NOW)
    return item


@pytest.mark.parametrize("name", ["feedback", "reply_correction"])
def test_a_page_listing_the_sent_replies_costs_the_same_for_one_reply_or_three(
    client, name, office, proposer, leader, district, django_assert_num_queries
):
    units = [unit_with_people(district, f"单位{n}") for n in range(3)]
    one = replied_by_leads(office, proposer, leader, units[:1], number="0101")
    three = replied_by_leads(office, proposer, leader, units, number="0102")
    client.force_login(office)
    client.get(url(name, one))  # the session's first write is behind us
    # The same for any number of replies (the widgets iterate their choices afresh: a second query each):
    #   the session; the user with the bell and the roles; the item where it stands;
    #   require_office's scope check; the body's setting; the sent replies shown; then
    #   feedback: the proposers who received the reply, the proposers and the scale's ratings offered;
    #   reply_correction: the replies and the scheme's categories offered.
    for item in (one, three):
        with django_assert_num_queries(QUERIES[name]):
            response = client.get(url(name, item))
        assert response.status_code == 200
    assert response.content.decode().count("records-reply") == 3


QUERIES = {"feedback": 10, "reply_correction": 9}


def test_a_double_submit_corrects_once(client, office, closed):
    client.force_login(office)
    data = {"title": "更正后的标题", "text": "", "disclosure": closed.disclosure, "reason": "标题录入有误"}
    token = str(uuid.uuid4())
    for _ in range(2):
        assert client.post(url("item_correction", closed), {**data, "submit_token": token}).status_code == 302
    assert Event.objects.filter(action="item.corrected").count() == 1


def test_the_item_page_shows_the_offices_buttons_and_nobody_elses(client, office, handler, replied):
    client.force_login(office)
    html = client.get(page_url(replied)).content.decode()
    assert f'href="{url("feedback", replied)}"' in html and f'href="{url("close", replied)}"' in html
    client.force_login(handler)
    html = client.get(page_url(replied)).content.decode()
    assert "/records/" not in html
