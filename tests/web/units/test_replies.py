"""The lead unit's reply and follow-up (web/units/replies): each act through its page.

Per act: done, the wrong role (403), another unit of the same district (404), another district
(404), a co-unit (it sends an opinion, it does not reply), the wrong state and bad input (the
service's sentence beside the field), a stale version; the reply text's round trip; the pages'
query counts at two sizes; the item page's panel.
"""

import datetime as dt
import html
import io
import re
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from districts.models import Role
from proposals.models import Attachment, Item
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from web.units.replies.panel import offers
from workflow.models import ClosingReport, FollowUp, OutcomeCategory, Reply
from workflow.services import assignment as assign
from workflow.services import opinions, replies
from workflow.services.feedback import record_feedback

from ...workflow.flow import consult
from ...workflow.flow import reply as send

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
SOON = NOW + dt.timedelta(days=1)
QUERIES = 16  # the reply page, whatever the number of versions, opinions, consultations and files
PARAGRAPHS = "\n\n".join(
    f"　　{n}、经研究，关于社区养老服务点的建设，我单位已会同各街镇开展调研，" + "具体情况答复如下。" * 40
    for n in range(1, 9)
)


@pytest.fixture(autouse=True)
def _private_media_and_clock(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"  # English sentences to assert
    with time_machine.travel(SOON, tick=False):
        yield


def category(code, scheme="cppcc"):
    return OutcomeCategory.objects.get(scheme__code=scheme, code=code)


def ofd():
    """A minimal OFD (a zip holding OFD.xml): attachments look inside archives, so a bare header is refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
    return buffer.getvalue()


def pdf(name="复文.pdf", content=b"%PDF-1.4 signed reply"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def ready(accepted, handler, co_handler):
    """The consultation is recorded and the co-unit's opinion is in: the reply may be submitted."""
    lead, co = accepted
    consult(lead, handler, NOW)
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见。\n\n建议加快进度。")
    return lead


def url(lead, name="reply"):
    return reverse(f"replies:{name}", args=[lead.pk])


def errors(response, field=None):
    form = response.context["form"]
    return [str(e) for e in (form.errors.get(field, []) if field else form.non_field_errors())]


def draft_data(**overrides):
    return {
        "action": "save",
        "category": category("A").pk,
        "text": "经研究，答复如下。",
        "signer": "经委主任",
        **overrides,
    }


# --- the draft: saved as versions --------------------------------------------------------------


def test_the_handler_saves_a_draft_then_a_new_version_and_reads_the_old_one(client, handler, ready):
    client.force_login(handler)
    page = client.get(url(ready))
    assert page.status_code == 200 and page.context["reply"] is None
    response = client.post(url(ready), draft_data(text="第一稿"), follow=True)
    assert response.redirect_chain == [(url(ready), 302)]
    assert "The draft was saved (version 1)." in response.content.decode()
    reply = Reply.objects.get()
    assert (reply.state, reply.version, reply.text, reply.drafted_by) == (Reply.State.DRAFT, 1, "第一稿", handler)
    response = client.post(url(ready), draft_data(text="第二稿", version=1), follow=True)
    reply.refresh_from_db()
    assert (reply.version, reply.text) == (2, "第二稿")
    assert [last.version for _first, last in response.context["versions"]] == [2, 1]
    old = client.get(reverse("replies:version", args=[reply.pk, 1]))
    assert old.status_code == 200 and "第一稿" in old.content.decode() and "<textarea" not in old.content.decode()
    assert client.get(reverse("replies:version", args=[reply.pk, 9])).status_code == 404


def textarea(response, name):
    match = re.search(rf'<textarea name="{name}"[^>]*>\n(.*?)</textarea>', response.content.decode(), re.S)
    return html.unescape(match.group(1))


def test_a_long_reply_with_paragraphs_survives_round_trips_unchanged(client, handler, ready):
    assert len(PARAGRAPHS) > 3000
    client.force_login(handler)
    browser_text = PARAGRAPHS.replace("\n", "\r\n")  # what a browser sends from a textarea
    client.post(url(ready), draft_data(text=browser_text))
    assert Reply.objects.get().text == PARAGRAPHS
    for version in (1, 2):  # the form shows it, the browser sends it back, twice
        shown = textarea(client.get(url(ready)), "text")
        assert shown == PARAGRAPHS
        client.post(url(ready), draft_data(text=shown.replace("\n", "\r\n"), version=version))
        assert Reply.objects.get().text == PARAGRAPHS


def test_a_stale_save_is_refused_the_typed_text_kept_and_the_saved_one_shown(client, handler, head, ready):
    client.force_login(handler)
    client.post(url(ready), draft_data(text="第一稿"))
    reply = Reply.objects.get()
    replies.draft_reply(actor=head, now=SOON, assignment=ready, version=1, text="主任改过的稿")  # someone else saves
    response = client.post(url(ready), draft_data(text="我的修改", version=1))
    assert response.status_code == 409
    assert errors(response) == ["The draft was changed by someone else (version 2); reload it and redo your edit."]
    assert response.context["form"]["text"].value() == "我的修改"
    assert response.context["stale"] and "主任改过的稿" in response.content.decode()
    assert response.context["form"]["version"].value() == 2  # saving again, having compared, replaces it
    reply.refresh_from_db()
    assert (reply.version, reply.text) == (2, "主任改过的稿")
    client.post(url(ready), draft_data(text="我的修改", version=2))
    reply.refresh_from_db()
    assert (reply.version, reply.text) == (3, "我的修改")


def test_the_signed_document_is_attached_and_a_file_of_another_type_refused(client, handler, ready):
    client.force_login(handler)
    response = client.post(url(ready), draft_data(files=[SimpleUploadedFile("复文.exe", b"MZ...")]))
    assert response.status_code == 400
    assert "only these file types are accepted" in errors(response, "files")[0]
    assert response.context["form"]["text"].value() == "经研究，答复如下。"
    assert not Reply.objects.exists() and not Attachment.objects.exists()
    client.post(url(ready), draft_data(files=[pdf(), pdf("附件.ofd", ofd())]))
    reply = Reply.objects.get()
    assert sorted(a.original_name for a in reply.attachments.all()) == ["复文.pdf", "附件.ofd"]
    assert {a.purpose for a in reply.attachments.all()} == {Attachment.Purpose.REPLY}
    kept = reply.attachments.get(original_name="复文.pdf")
    client.post(url(ready), draft_data(version=1, keep=[kept.pk]))  # the OFD unticked
    assert [a.original_name for a in Reply.objects.get().attachments.all()] == ["复文.pdf"]


def test_a_draft_needs_no_category_but_a_foreign_one_is_refused_beside_the_field(client, handler, ready):
    client.force_login(handler)
    assert client.post(url(ready), draft_data(category="")).status_code == 302
    npc = category("1", scheme="npc")
    response = client.post(url(ready), draft_data(category=npc.pk, version=1))
    assert response.status_code == 400 and errors(response, "category")


# --- submitting to the head ------------------------------------------------------------------------


def test_the_handler_submits_and_sees_where_the_reply_is(client, handler, ready):
    client.force_login(handler)
    response = client.post(url(ready), draft_data(action="submit"), follow=True)
    assert "The reply was submitted to the unit head." in response.content.decode()
    reply = Reply.objects.get()
    assert reply.state == Reply.State.AWAITING_HEAD
    steps = {step.state: step.status for step in response.context["steps"]}
    assert steps == {
        "draft": "done",
        "awaiting_head": "current",
        "awaiting_leader": "skipped",  # category A needs no leader
        "awaiting_office": "todo",
        "sent": "todo",
    }
    assert not response.context["editable"]
    again = client.post(url(ready), draft_data(version=reply.version))
    assert again.status_code == 400
    assert errors(again) == ["The reply is being approved; it can be edited once sent back."]


def test_submitting_without_a_consultation_is_refused_and_nothing_is_saved(client, handler, accepted, co_handler):
    lead, co = accepted
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意")
    client.force_login(handler)
    response = client.post(url(lead), draft_data(action="submit", text="我的答复"))
    assert response.status_code == 400
    assert errors(response) == ["Record a consultation with the proposer, or their waiver, before replying."]
    assert response.context["form"]["text"].value() == "我的答复"
    assert not Reply.objects.exists()


def test_submitting_names_the_co_units_still_missing(client, handler, accepted):
    lead, _co = accepted
    consult(lead, handler, NOW)
    client.force_login(handler)
    page = client.get(url(lead))
    assert [a.unit.name for a in page.context["missing"]] == ["区民政局"]
    response = client.post(url(lead), draft_data(action="submit"))
    assert errors(response) == ["The reply waits for the opinion of: 民政局."]


def test_a_planned_outcome_needs_its_date_beside_the_field(client, handler, ready):
    client.force_login(handler)
    client.post(url(ready), draft_data())
    response = client.post(url(ready), draft_data(action="submit", category=category("B").pk, version=1))
    assert response.status_code == 400
    assert [last.version for _first, last in response.context["versions"]] == [1]  # the refused save is undone
    response = client.post(url(ready), draft_data(action="submit", category=category("B").pk, version=1))
    assert errors(response, "planned_on") == ["The category “列入计划拟解决” needs a planned completion date."]
    data = draft_data(action="submit", category=category("B").pk, planned_on="2026-12-31", version=1)
    response = client.post(url(ready), data)
    assert response.status_code == 302
    assert Reply.objects.get().planned_on == dt.date(2026, 12, 31)


def test_an_empty_text_is_refused_beside_the_field(client, handler, ready):
    client.force_login(handler)
    response = client.post(url(ready), draft_data(action="submit", text="   "))
    assert response.status_code == 400 and errors(response, "text") == ["The reply has no text."]


def test_a_reply_sent_back_shows_by_whom_and_why_and_can_be_revised(client, handler, head, ready):
    draft = replies.draft_reply(actor=handler, now=SOON, assignment=ready, text="初稿", category=category("C"))
    replies.submit_reply(actor=handler, now=SOON, reply=draft)
    replies.send_back_reply(actor=head, now=SOON, reply=draft, reason="答复类型不当，请改为列入计划")
    client.force_login(handler)
    page = client.get(url(ready))
    assert page.context["editable"]
    sent_back = page.context["sent_back"]
    assert (sent_back["by"], sent_back["reason"]) == (head, "答复类型不当，请改为列入计划")
    assert "答复类型不当，请改为列入计划" in page.content.decode()
    data = draft_data(action="submit", category=category("B").pk, planned_on="2026-12-31", version=2)
    assert client.post(url(ready), data).status_code == 302
    assert Reply.objects.get().state == Reply.State.AWAITING_HEAD


def test_a_double_submit_acts_once(client, handler, ready):
    client.force_login(handler)
    data = draft_data(submit_token="7b0f6c52-4a55-4f43-9b1e-2f0d3e6f1a10")
    assert client.post(url(ready), data).status_code == 302
    assert client.post(url(ready), data).status_code == 302
    assert Reply.objects.get().version == 1


# --- who may: scope (404) and role (403) -----------------------------------------------------------


def test_the_unit_head_may_draft_too(client, head, ready):
    client.force_login(head)
    assert client.post(url(ready), draft_data()).status_code == 302


@pytest.mark.parametrize("who", ["office", "leader", "proposer_user"])
def test_another_role_that_sees_the_item_is_refused(request, client, ready, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(ready)).status_code == 403
    assert client.post(url(ready), draft_data()).status_code == 403
    assert not Reply.objects.exists()


def test_the_office_reads_versions_on_its_review_page_not_here(client, handler, office, ready):
    draft = replies.draft_reply(actor=handler, now=SOON, assignment=ready, text="初稿")
    client.force_login(office)
    assert client.get(reverse("replies:version", args=[draft.pk, 1])).status_code == 403


def test_another_unit_of_the_district_and_another_district_find_nothing(client, other_handler, outsider, ready):
    for user in (other_handler, outsider):
        client.force_login(user)
        assert client.get(url(ready)).status_code == 404
        assert client.post(url(ready), draft_data()).status_code == 404
        assert client.get(url(ready, "progress")).status_code == 404
    assert client.get(reverse("replies:reply", args=[999999])).status_code == 404


def test_a_co_unit_does_not_reply(client, co_handler, accepted):
    lead, co = accepted
    client.force_login(co_handler)
    assert client.get(url(lead)).status_code == 404  # the lead's draft is not the co-unit's to see
    assert client.get(url(co)).status_code == 403  # its own assignment: it sends an opinion instead
    assert client.post(url(co), draft_data()).status_code == 403


def test_a_pending_assignment_cannot_be_replied_to(client, office, handler, item, unit):
    (lead,) = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])
    client.force_login(handler)
    response = client.post(url(lead), draft_data())
    assert response.status_code == 400
    assert errors(response) == ["The unit must accept the assignment before replying."]


def test_another_districts_reply_version_is_not_found(client, handler, outsider, ready):
    draft = replies.draft_reply(actor=handler, now=SOON, assignment=ready, text="初稿")
    client.force_login(outsider)
    assert client.get(reverse("replies:version", args=[draft.pk, 1])).status_code == 404


# --- follow-up: progress, the second reply, the closing report ------------------------------------


@pytest.fixture
def following(ready, handler, head, leader, office, proposer_user):
    """Replied 列入计划拟解决 (CPPCC B); the proposer agreed: the item is followed up."""
    send(ready, handler=handler, head=head, leader=leader, office=office, category=category("B"), now=SOON)
    record_feedback(actor=proposer_user, now=SOON, item=Item.objects.get(), agrees=True)
    assert Item.objects.get().state == Item.State.FOLLOWING_UP
    return ready


def test_the_handler_reports_progress_and_converts_the_outcome(client, handler, following):
    client.force_login(handler)
    assert client.get(url(following, "progress")).status_code == 200
    response = client.post(url(following, "progress"), {"progress": "   "})
    assert response.status_code == 400 and errors(response, "progress") == ["Describe the progress."]
    response = client.post(url(following, "progress"), {"progress": "已完成选址。"}, follow=True)
    assert "The progress report is sent." in response.content.decode()
    response = client.post(url(following, "progress"), {"progress": "已建成。", "convert_to": category("A").pk})
    assert response.status_code == 302
    assert [(f.progress, f.converted_to) for f in FollowUp.objects.order_by("pk")] == [
        ("已完成选址。", None),
        ("已建成。", category("A")),
    ]


def test_a_conversion_backwards_is_refused_beside_the_field(client, handler, following):
    client.force_login(handler)
    response = client.post(url(following, "progress"), {"progress": "进展", "convert_to": category("C").pk})
    assert response.status_code == 400 and errors(response, "convert_to")


def test_progress_before_the_reply_is_sent_is_the_wrong_state(client, handler, ready):
    client.force_login(handler)
    response = client.post(url(ready, "progress"), {"progress": "进展"})
    assert response.status_code == 400
    assert errors(response) == ["Progress is reported on a replied item that is still open."]


def test_the_second_reply_then_the_closing_report_close_the_item(client, handler, head, office, following):
    client.force_login(handler)
    response = client.post(url(following, "closing_report"), {"text": "已办结"})
    assert response.status_code == 400
    assert errors(response) == ["Send the second reply reporting the delivery before the closing report."]
    data = draft_data(action="submit", text="计划已落实。\n\n养老服务点已建成。")
    assert client.post(url(following, "second_reply"), data).status_code == 302
    second = Reply.objects.get(kind=Reply.Kind.SECOND)
    assert (second.state, second.text) == (Reply.State.AWAITING_HEAD, "计划已落实。\n\n养老服务点已建成。")
    replies.approve_reply(actor=head, now=SOON, reply=second)
    replies.send_reply(actor=office, now=SOON, reply=second)
    response = client.post(url(following, "closing_report"), {"text": ""})
    assert errors(response, "text") == ["Write the closing report."]
    response = client.post(url(following, "closing_report"), {"text": "已办结，服务点运行良好。"}, follow=True)
    assert "The closing report is sent." in response.content.decode()
    assert ClosingReport.objects.get().text == "已办结，服务点运行良好。"
    assert Item.objects.get().state == Item.State.CLOSED


def test_follow_up_is_refused_to_other_roles_and_units(client, office, other_handler, co_handler, following):
    client.force_login(office)
    assert client.post(url(following, "progress"), {"progress": "x"}).status_code == 403
    for user in (other_handler, co_handler):
        client.force_login(user)
        assert client.post(url(following, "closing_report"), {"text": "x"}).status_code == 404


# --- the item page's panel ---------------------------------------------------------------------------


def acts_of(client, user, item):
    client.force_login(user)
    page = client.get(reverse("items:detail", args=[item.pk]))
    return [(act.label, act.url, act.primary) for act in page.context["acts"] if "/units/assignments/" in act.url]


def test_the_panel_offers_the_reply_to_the_lead_unit_only(client, handler, co_handler, office, ready, item):
    assert acts_of(client, handler, item) == [("Draft the reply", url(ready), True)]
    assert acts_of(client, co_handler, item) == []
    assert acts_of(client, office, item) == []
    replies.draft_reply(actor=handler, now=SOON, assignment=ready, text="初稿", category=category("A"))
    assert acts_of(client, handler, item) == [("Edit the draft reply", url(ready), True)]


def test_the_panel_offers_follow_up_when_it_applies(client, handler, following, item):
    assert acts_of(client, handler, item) == [
        ("Report progress", url(following, "progress"), True),
        ("Draft the second reply", url(following, "second_reply"), False),
    ]


def test_a_handler_of_two_lead_units_picks_the_unit(district, office, handler, unit, other_unit, item):
    MembershipFactory(user=handler, role=Role.HANDLER, district=district, unit=other_unit)
    first, second = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit, other_unit], split=True)
    for lead in (first, second):
        assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    user, item = type(handler).objects.get(pk=handler.pk), Item.objects.get(pk=item.pk)  # the new role, the new state
    leads = list(item.assignments.select_related("unit").order_by("pk"))
    labels = [act.label for act in offers(user, item, leads)]
    assert labels == ["Draft the reply · 区经委", "Draft the reply · 区科委"]


# --- speed ---------------------------------------------------------------------------------------------


def _opinion(lead, co_handler):
    co = lead.item.assignments.get(unit__memberships__user=co_handler)
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意。\n\n无补充意见。")


def test_the_reply_page_costs_the_same_for_more_versions_opinions_and_consultations(
    client, district, office, handler, unit, item, django_assert_num_queries
):
    co_units = [UnitFactory(district=district, name=f"区{n}局") for n in range(3)]
    co_handlers = [UserFactory(username=f"co{n}") for n in range(3)]
    for co_unit, user in zip(co_units, co_handlers, strict=True):
        MembershipFactory(user=user, role=Role.HANDLER, district=district, unit=co_unit)
    lead, *cos = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit], co_units=co_units)
    for assignment, user in [(lead, handler), *zip(cos, co_handlers, strict=True)]:
        assign.accept_assignment(actor=user, now=NOW, assignment=assignment)
    client.force_login(handler)
    consult(lead, handler, NOW)
    _opinion(lead, co_handlers[0])
    client.post(url(lead), draft_data(text="第1稿", files=[pdf()]))
    client.get(url(lead))  # the first request loads the working-day calendar
    with django_assert_num_queries(QUERIES):
        assert client.get(url(lead)).status_code == 200
    for _n in range(3):
        consult(lead, handler, NOW)
    for user in co_handlers[1:]:
        _opinion(lead, user)
    for version in range(1, 6):
        client.post(url(lead), draft_data(text=f"第{version + 1}稿", version=version, files=[pdf(f"{version}.pdf")]))
    assert Reply.objects.get().version == 6
    with django_assert_num_queries(QUERIES):
        assert client.get(url(lead)).status_code == 200
