"""One item through the office's whole part of its life in the browser, with everyone else's steps between (issue #15).

The office registers an item handed in on paper, with its scan and the proposer's consent to publish,
and a second one; reviews both; ticks both in the item list and assigns them at once to 区科委. 科委's
handler returns the walked item with a reason; the office reads it and reassigns the item to 区经委,
whose handler (and not 科委's) finds it in the inbox and accepts it. The handler asks for more time;
the office grants it; the handler reads the new due date. The handler consults and drafts a 留作参考
reply; the head approves and the district leader signs off; the office sends it back with a reason;
the handler reads it, revises, and it comes back through the head and the leader; the office sends
it to the proposer, who reads it. The office records the proposer's agreement from the scanned paper
form, which closes the item (the office's close screen is only for a feedback window that ended
without an answer; the proposer sees the item closed), publishes the reply (the public portal
finds it, in a browser with nobody logged in) and corrects the reply's outcome after closing (the
item page's timeline says why). Screenshots go to $SHOTS/office-walk-*.png.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from proposals.models import Item
from workflow import obligations
from workflow.models import Assignment, Extension, Feedback, Obligation, OutcomeCategory, Reply

from .screens import SIZES, as_another, shooter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

shoot = shooter("office-walk")
TITLE = "关于在莘庄地铁站增设非机动车停放点的提案"
OTHER_TITLE = "关于完善老旧小区加装电梯的提案"
RETURN_REASON = "非机动车停放管理属区经委职责，请改派。"
WHY_LATER = "需会同莘庄镇实地踏勘选址，并征求周边居民意见。"
DRAFT = "经研究，我委将把该提案留作参考，结合明年非机动车停放规划统筹考虑。"
SEND_BACK = "请写明下一步的时间安排"
REVISED = DRAFT + "\n\n明年三月前完成选址踏勘，六月前公布停放点规划方案。"
FEEDBACK = "答复认真，同意答复意见。"
CORRECTION = "该提案已在停放规划中采纳，答复类型应为A类"
PDF = b"%PDF-1.4\n% a page scanned at the office\n"


def go(page, selector):
    """Click what navigates (a link, a form's button) and wait for the next page."""
    with page.expect_navigation():
        page.click(selector)


def act(page, server, item, href):
    """Open the item page and follow its button to `href`."""
    page.goto(f"{server.url}/items/{item.pk}/")
    go(page, f"nav.item-acts a[href='{href}']")


def timeline(page):
    return page.locator("ol.item-timeline").inner_text()


def actions(page):
    return page.locator("ol.item-timeline li").evaluate_all("(rows) => rows.map((row) => row.dataset.action)")


def register(desk, server, title, *, scan=None):
    """The intake form, filled from the paper: the proposer found by typing, consent to publish, the scan."""
    desk.goto(f"{server.url}/items/new/")
    desk.fill("#id_title", title)
    desk.fill("#id_text", "莘庄地铁站出入口非机动车乱停乱放，影响通行。")
    desk.fill("#proposer-search", "张委")
    desk.locator("#proposer-results li", has_text="张委员").locator("button").first.click()  # as the lead
    desk.wait_for_selector("#lead-slot input[name=lead]")
    desk.check("input[name=disclosure][value=public]")
    if scan:
        desk.set_input_files("#id_attachments", str(scan))
    go(desk, "form.intake-form button[type=submit]")
    return Item.objects.get(title=title)


def review(desk, server, item):
    """立案: from the item page's Review button."""
    act(desk, server, item, f"/items/{item.pk}/review/")
    go(desk, "form[action$='/review/register/'] button[type=submit]")
    assert desk.url == f"{server.url}/items/{item.pk}/"


def approve(head_page, browser, server, item, reply):
    """The head approves from the item page; the leader signs off from the leader's page (留作参考 needs it)."""
    act(head_page, server, item, f"/units/approvals/{reply.pk}/")
    assert REVISED.split("\n")[0] in head_page.locator("main").inner_text()
    go(head_page, f"form[action='/units/approvals/{reply.pk}/approve/'] button[type=submit]")
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.AWAITING_LEADER
    context, leader_page = as_another(browser, server, "leader")
    leader_page.goto(f"{server.url}/leader/")
    go(leader_page, f"tr[data-reply='{reply.pk}'] a.button")
    go(leader_page, f"form[action='/leader/replies/{reply.pk}/sign-off/'] button[type=submit]")
    context.close()


def test_the_office_walks_one_item_from_paper_to_the_portal_with_everyone_in_between(
    browser,
    server,
    settings,
    tmp_path,
    office,
    unit,
    other_unit,
    handler,
    head,
    other_handler,
    leader,
    proposer,
    proposer_user,
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the portal's cached pages of an earlier test
    scan = tmp_path / "提案原件.pdf"
    scan.write_bytes(PDF)
    form = tmp_path / "征询意见表.pdf"
    form.write_bytes(PDF)
    keep = OutcomeCategory.objects.get(scheme__code="cppcc", code="C")  # 留作参考: the leader signs off
    solved = OutcomeCategory.objects.get(scheme__code="cppcc", code="A")

    # 1. The office registers the paper item with its scan, and a second one; reviews both (立案).
    office_context, desk = as_another(browser, server, "office")
    item = register(desk, server, TITLE, scan=scan)
    assert desk.url == f"{server.url}/items/{item.pk}/"
    assert "提案原件.pdf" in desk.locator(".item-files").inner_text()
    assert "张委员" in desk.locator(".item-proposers").inner_text()
    shoot(desk, "registered")
    second = register(desk, server, OTHER_TITLE)
    review(desk, server, item)
    review(desk, server, second)
    assert set(Item.objects.values_list("state", flat=True)) == {Item.State.REGISTERED}

    # 2. Both wait for assignment in the item list: tick both, assign them at once to 科委.
    desk.goto(f"{server.url}/items/?stage=registered&year=")
    for each in (item, second):
        desk.locator(f"input[name=items][value='{each.pk}']").check()
    shoot(desk, "list-ticked")
    go(desk, "#items-batch button[formaction$='/items/assign/']")
    assert desk.locator("input[name=items]:checked").count() == 2
    desk.locator(f"input[name=lead_units][value='{other_unit.pk}']").check()
    go(desk, "section.desk-units button[type=submit]")
    assert desk.locator("[data-assigned]").count() == 2 and desk.locator("[data-refused]").count() == 0
    shoot(desk, "assigned")

    # 3. 科委's handler finds both to accept, returns the walked one with a reason.
    wrong_context, wrong = as_another(browser, server, "other_handler")
    waiting = wrong.locator("#act-acceptance").inner_text()
    assert TITLE in waiting and OTHER_TITLE in waiting
    act(wrong, server, item, f"/items/{item.pk}/handling/accept/")
    wrong.fill("textarea[name='return-reason']", RETURN_REASON)
    go(wrong, "form[action$='/handling/return/'] button[type=submit]")
    assert TITLE not in wrong.locator("main").inner_text()  # back at the inbox: only the second item waits
    assert OTHER_TITLE in wrong.locator("#act-acceptance").inner_text()

    # The office reads why on the item page and reassigns the item to 经委.
    desk.goto(f"{server.url}/items/{item.pk}/")
    assert RETURN_REASON in timeline(desk)
    returned = Assignment.objects.get(item=item, unit=other_unit)
    go(desk, f"nav.item-acts a[href='/assignments/{returned.pk}/reassign/']")
    assert RETURN_REASON in desk.locator(".reassign-reason").inner_text()
    desk.locator(f"input[name=unit][value='{unit.pk}']").check()
    shoot(desk, "reassign")
    go(desk, "form.assign-form button[type=submit]")
    assert desk.locator(f"article.item-unit[data-unit='{unit.pk}']").count() == 1
    lead = Assignment.objects.get(item=item, unit=unit)

    # 经委's handler finds it in the inbox (科委's no longer shows it) and accepts it.
    work_context, work = as_another(browser, server, "handler")
    assert TITLE in work.locator("#act-acceptance").inner_text()
    wrong.goto(f"{server.url}/units/")
    assert TITLE not in wrong.locator("main").inner_text()
    wrong_context.close()
    act(work, server, item, f"/items/{item.pk}/handling/accept/")
    go(work, "form[action$='/handling/accept/'] button[type=submit]")
    assert Assignment.objects.get(pk=lead.pk).state == Assignment.State.ACCEPTED

    # 4. The handler asks for more time; the office grants it; the handler reads the new due date.
    due = Obligation.objects.open().get(assignment=lead, kind="reply").due_on
    until = min(due + dt.timedelta(days=30), obligations.max_extended_due(lead))
    act(work, server, item, f"/items/{item.pk}/handling/extension/")
    work.fill("input[name=until]", until.isoformat())
    work.fill("textarea[name=reason]", WHY_LATER)
    go(work, "form.records-form button[type=submit]")
    extension = Extension.objects.get(assignment=lead)
    desk.goto(f"{server.url}/extensions/")
    row = desk.locator(f"tr[data-extension='{extension.pk}']")
    assert WHY_LATER in row.inner_text() and until.isoformat() in row.inner_text()
    go(desk, f"tr[data-extension='{extension.pk}'] a.button")
    desk.locator("input[name=decision][value=grant]").check()
    desk.fill("input[name=until]", until.isoformat())
    shoot(desk, "extension-decide")
    go(desk, "form.decisions-form button[type=submit]")
    assert desk.locator(f"tr[data-extension='{extension.pk}']").count() == 0
    act(work, server, item, f"/items/{item.pk}/handling/extension/")
    assert until.isoformat() in work.locator("#handling-due-heading + ul").inner_text()
    assert until.isoformat() in work.locator(".handling-request[data-state=granted]").inner_text()
    shoot(work, "handler-extended")

    # 5. The handler consults and drafts a 留作参考 reply; the head approves, the leader signs off.
    act(work, server, item, f"/items/{item.pk}/handling/consultation/")
    work.select_option("select[name=method]", "call")
    work.fill("input[name=held_on]", timezone.localdate().isoformat())
    work.fill("input[name=participants]", "张委员、经委承办人")
    work.fill("textarea[name=notes]", "电话沟通停放点选址。")
    go(work, "form.records-form button[type=submit]")
    act(work, server, item, f"/units/assignments/{lead.pk}/reply/")
    work.select_option("select[name=category]", str(keep.pk))
    work.fill("textarea[name=text]", DRAFT)
    work.fill("input[name=signer]", "经委主任")
    go(work, "form.replies-form button[value=submit]")
    reply = Reply.objects.get(assignment=lead)
    head_context, head_page = as_another(browser, server, "head")
    approve(head_page, browser, server, item, reply)

    # The office reads it in its queue and sends it back with a reason.
    desk.goto(f"{server.url}/replies/review/")
    go(desk, f"tr[data-reply='{reply.pk}'] a.button")
    assert DRAFT in desk.locator("main").inner_text()
    desk.fill("textarea[name=reason]", SEND_BACK)
    shoot(desk, "reply-review")
    go(desk, "form.decisions-form-back button[type=submit]")
    assert desk.locator(f"tr[data-reply='{reply.pk}']").count() == 0

    # The handler reads why (inbox and reply form), revises; it comes back through the head and the leader.
    work.goto(f"{server.url}/units/")
    assert SEND_BACK in work.locator(".inbox-back").inner_text()
    act(work, server, item, f"/units/assignments/{lead.pk}/reply/")
    assert SEND_BACK in work.locator(".replies-sent-back").inner_text()
    work.fill("textarea[name=text]", REVISED)
    go(work, "form.replies-form button[value=submit]")
    approve(head_page, browser, server, item, reply)
    head_context.close()

    # The office sends it; the proposer reads it.
    desk.goto(f"{server.url}/replies/review/")
    go(desk, f"tr[data-reply='{reply.pk}'] a.button")
    assert "明年三月前完成选址踏勘" in desk.locator("main").inner_text()
    go(desk, f"form[action='/replies/{reply.pk}/send/'] button[type=submit]")
    assert Reply.objects.get(pk=reply.pk).state == Reply.State.SENT
    member_context, member = as_another(browser, server, "member")
    member.goto(f"{server.url}/items/{item.pk}/")
    assert "明年三月前完成选址踏勘" in member.locator("main").inner_text()

    # 6. The proposer agreed on the paper form: the office records it for them, with the scan.
    desk.goto(f"{server.url}/items/{item.pk}/")
    go(desk, f"nav.item-acts a[href='/items/{item.pk}/records/feedback/']")
    desk.locator("input[name=rating]").first.check()
    desk.check("input[name=agrees][value=yes]")
    desk.fill("textarea[name=comment]", FEEDBACK)
    desk.set_input_files("input[name=form]", str(form))
    shoot(desk, "feedback")
    go(desk, "form.records-form button[type=submit]")
    feedback = Feedback.objects.get(item=item)
    assert feedback.on_behalf and feedback.form.original_name == "征询意见表.pdf"

    # 7. Agreement closes the item: the proposer reads their feedback on the closed item.
    assert Item.objects.get(pk=item.pk).state == Item.State.CLOSED
    assert desk.locator(f"nav.item-acts a[href='/items/{item.pk}/records/close/']").count() == 0
    assert "item.closed" in actions(desk)
    member.reload()
    assert FEEDBACK in member.locator("#feedback-heading + *").inner_text()
    assert "item.closed" in actions(member)
    member_context.close()

    # The office publishes the reply; the public portal finds it, nobody logged in.
    go(desk, f"nav.item-acts a[href='/replies/{reply.pk}/publish/']")
    go(desk, "form.decisions-form button[type=submit]")
    assert desk.locator(f".item-unit[data-unit='{unit.pk}'] .item-reply .tag").count() == 1  # 已公开
    public_context = browser.new_context(locale="zh-CN", viewport=SIZES["wide"])
    public = public_context.new_page()
    public.goto(f"{server.url}/public/search/?q=踏勘")
    results = public.locator(".portal-results li")
    assert results.count() == 1 and TITLE in results.inner_text()
    go(public, ".portal-result-title")
    assert "明年三月前完成选址踏勘" in public.locator("article.portal-item").inner_text()
    shoot(public, "portal")
    public_context.close()

    # After closing, the office corrects the reply's outcome; the timeline says why.
    go(desk, f"nav.item-acts a[href='/items/{item.pk}/records/reply-correction/']")
    desk.select_option("select[name=category]", str(solved.pk))
    desk.fill("textarea[name=reason]", CORRECTION)
    go(desk, "form.records-form button[type=submit]")
    assert desk.url == f"{server.url}/items/{item.pk}/"
    assert CORRECTION in desk.locator("ol.item-timeline li[data-action='reply.corrected']").inner_text()
    assert Reply.objects.get(pk=reply.pk).category == solved
    shoot(desk, "item-final")  # both sizes: the phone's is the office's item page at 390x844
    work_context.close()
    office_context.close()
