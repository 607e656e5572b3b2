"""One suggestion's whole life in the browser, from the deputy's phone to the public portal (issue #17).

The deputy hands it in online with a co-signer, who confirms in his own browser; the office registers
it from its queue and assigns a lead unit; the unit accepts, consults and replies (its head approves,
the leader signs off where the outcome needs it, the office sends); the deputy disagrees with a
reason; the unit consults and replies again; the deputy agrees and praises; the office publishes the
reply and the portal finds it by a two-character word of the reply. Screenshots of the deputy's
final item page go to $SHOTS/joined-*.png.
"""

import pytest
from django.core.cache import cache
from django.utils import timezone

from districts.models import Role
from proposals.models import Item
from submissions.models import Submission
from workflow.models import Assignment, Feedback, OutcomeCategory, Reply
from workflow.services.outcomes import body_setting

from ..factories import MembershipFactory, ProposerFactory, UserFactory
from .screens import SIZES, as_another, log_in, shooter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

shoot = shooter("joined")
TITLE = "关于优化地铁站接驳公交的建议"
FIRST = "经研究，我委已将该建议列入明年公交线网优化计划。"
SECOND = "经研究，我委将于本月增设莘庄站接驳专线，缩短候车时间。"


def go(page, selector):
    """Click what navigates (a link, a form's button) and wait for the next page."""
    with page.expect_navigation():
        page.click(selector)


def act(page, server, item, href):
    """Open the item page and follow its button to `href`."""
    page.goto(f"{server.url}/items/{item.pk}/")
    go(page, f"nav.item-acts a[href='{href}']")


@pytest.fixture
def cosigner_user(district):
    cosigner = ProposerFactory(district=district, name="李代表")
    user = UserFactory(username="cosigner", full_name="李代表")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=cosigner)
    return user


def hand_in(page, browser, server):
    """The deputy's draft with a co-signer, who confirms in his own browser; then she hands it in."""
    page.goto(f"{server.url}/my/submissions/")
    go(page, "a[href='/my/submissions/new/']")
    page.fill("#id_title", TITLE)
    page.fill("#id_text", "建议在莘庄地铁站增设接驳公交线路，缩短换乘距离。")
    page.check("input[name=disclosure][value=public]")
    go(page, "form.sub-form button[type=submit]")
    page.select_option("select[name=proposer]", label="李代表")
    go(page, "form[action$='/invite/'] button[type=submit]")
    context, other = as_another(browser, server, "cosigner")
    other.goto(f"{server.url}/my/submissions/")
    go(other, ".sub-card-open a")
    go(other, "form[action$='/confirm/'] button[type=submit]")
    context.close()
    page.reload()
    assert page.locator(".sub-cosigner[data-state=confirmed]").count() == 1
    go(page, "form.sub-hand-in button[type=submit]")
    return Submission.objects.get()


def register_and_assign(desk, server, submission, unit):
    """The office registers the submission from its queue, reviews it (立案) and assigns the lead unit."""
    desk.goto(f"{server.url}/office/submissions/")
    go(desk, f".sub-card[data-submission='{submission.pk}'] a")
    go(desk, "form.sub-register button[type=submit]")
    item = Item.objects.get()
    go(desk, "form[action$='/review/register/'] button[type=submit]")
    act(desk, server, item, f"/items/{item.pk}/assign/")
    desk.locator(f"input[name=lead_units][value='{unit.pk}']").check()
    go(desk, "form.assign-form button[type=submit]")
    return item, Assignment.objects.get(item=item, unit=unit)


def consult_and_reply(work, head_page, desk, browser, server, item, lead, text):
    """The handler consults and replies; the head approves, the leader signs off if needed; the office sends."""
    act(work, server, item, f"/items/{item.pk}/handling/consultation/")
    work.select_option("select[name=method]", "meeting")
    work.fill("input[name=held_on]", timezone.localdate().isoformat())
    work.fill("input[name=participants]", "张代表、经委承办人")
    work.fill("textarea[name=notes]", "面商接驳公交线路。")
    go(work, "form.records-form button[type=submit]")
    act(work, server, item, f"/units/assignments/{lead.pk}/reply/")
    keep = OutcomeCategory.objects.get(scheme_id=body_setting(item).scheme_id, code="C")  # does not stay open
    work.select_option("select[name=category]", str(keep.pk))
    work.fill("textarea[name=text]", text)
    work.fill("input[name=signer]", "经委主任")
    go(work, "form.replies-form button[value=submit]")
    reply = Reply.objects.filter(assignment=lead).latest("pk")
    act(head_page, server, item, f"/units/approvals/{reply.pk}/")
    go(head_page, f"form[action='/units/approvals/{reply.pk}/approve/'] button[type=submit]")
    if Reply.objects.get(pk=reply.pk).state == Reply.State.AWAITING_LEADER:
        context, leader_page = as_another(browser, server, "leader")
        leader_page.goto(f"{server.url}/leader/")
        go(leader_page, f"tr[data-reply='{reply.pk}'] a.button")
        go(leader_page, f"form[action='/leader/replies/{reply.pk}/sign-off/'] button[type=submit]")
        context.close()
    act(desk, server, item, f"/replies/{reply.pk}/review/")
    go(desk, f"form[action='/replies/{reply.pk}/send/'] button[type=submit]")
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.SENT
    return reply


def give_feedback(page, server, item, *, agrees, comment="", praise=False):
    page.goto(f"{server.url}/my/items/{item.pk}/feedback/")
    page.locator("input[name=rating]").first.check()
    page.check(f"input[name=agrees][value={'yes' if agrees else 'no'}]")
    if praise:
        page.check("input[name=praised]")
    page.fill("textarea[name=comment]", comment)
    go(page, "form.mine-form button[type=submit]")


def test_a_deputys_suggestion_from_her_phone_to_the_public_portal(
    browser, page, server, settings, tmp_path, office, unit, handler, head, leader, proposer_user, cosigner_user
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    cache.clear()
    page.set_viewport_size(SIZES["phone"])
    log_in(page, server, "member")
    page.wait_for_url(lambda url: "/login/" not in url)

    submission = hand_in(page, browser, server)
    office_context, desk = as_another(browser, server, "office")
    item, lead = register_and_assign(desk, server, submission, unit)
    assert {p.name for p in item.proposers.all()} == {"张委员", "李代表"}

    handler_context, work = as_another(browser, server, "handler")
    act(work, server, item, f"/items/{item.pk}/handling/accept/")
    go(work, "form[action$='/handling/accept/'] button[type=submit]")
    head_context, head_page = as_another(browser, server, "head")
    consult_and_reply(work, head_page, desk, browser, server, item, lead, FIRST)

    # The deputy disagrees, saying why; the unit handles it again and replies again.
    give_feedback(page, server, item, agrees=False, comment="线网优化周期太长，希望尽快增设接驳专线。")
    assert Item.objects.get(pk=item.pk).round == 2
    second = consult_and_reply(work, head_page, desk, browser, server, item, lead, SECOND)
    handler_context.close()
    head_context.close()

    # She agrees and praises the unit.
    give_feedback(page, server, item, agrees=True, praise=True, comment="答复及时。")
    latest = Feedback.objects.get(item=item, round=2)
    assert (latest.agrees, latest.praised) == (True, True)

    # The office publishes the second reply; the portal finds it by two characters of the reply.
    act(desk, server, item, f"/replies/{second.pk}/publish/")
    go(desk, "form.decisions-form button[type=submit]")
    office_context.close()
    page.goto(f"{server.url}/public/search/?q=专线")
    results = page.locator(".portal-results li")
    assert results.count() == 1 and TITLE in results.inner_text()

    page.goto(f"{server.url}/my/#item-{item.pk}")
    card = page.locator(f"#item-{item.pk}")
    card.locator("details.mine-reply summary").last.click()  # the reply she agreed with, read as sent
    assert SECOND in card.inner_text() and "已于" in card.inner_text()  # closed on her agreement
    assert card.locator(f"a[href='/my/items/{item.pk}/feedback/']").count() == 0  # given: nothing more to do
    shoot(page, "deputy-final")
