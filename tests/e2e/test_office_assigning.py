"""The office clerk assigns two items at once at the desk, reassigns one a unit returned, and marks a key item.

Each step checks what the next person sees: the units on the item page, the new unit's handler
finding the item in their list, the key item's leader named on the page. Screenshots of every
screen at 1366x768 and 390x844 go to /tmp/shots/assigning-*.png (SHOTS to move them).
"""

import datetime as dt

import pytest

from districts.models import HandlingUnit, Role
from proposals.models import Item
from workflow.models import Assignment
from workflow.services import assignment as assign
from workflow.services import intake

from ..factories import MembershipFactory, UnitFactory, UserFactory
from ..workflow.flow import receive
from .screens import log_in, shooter

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


shoot = shooter("assigning")


@pytest.fixture
def units(district, unit):
    """A district with units of several kinds, as many as a real one has bureaus."""
    made = {
        "经委": unit,
        "民政": UnitFactory(district=district, name="区民政局", short_name="民政局"),
        "教育": UnitFactory(district=district, name="区教育局", short_name="教育局"),
        "莘庄": UnitFactory(
            district=district, name="莘庄镇人民政府", short_name="莘庄镇", kind=HandlingUnit.Kind.STREET_TOWN
        ),
    }
    for n in range(1, 25):
        UnitFactory(district=district, name=f"区第{n}委办局", short_name=f"第{n}局")
    for n in range(1, 9):
        street = HandlingUnit.Kind.STREET_TOWN
        UnitFactory(district=district, name=f"第{n}街道办事处", short_name=f"第{n}街道", kind=street)
    return made


def test_the_office_assigns_two_items_at_the_desk_reassigns_a_return_and_marks_a_key_item(
    page, server, district, office, leader, handler, proposer, units
):
    now = dt.datetime.now(dt.UTC)
    items = []
    for number, title in (("0001", "关于加强社区养老服务的建议"), ("0002", "关于完善老旧小区加装电梯的建议")):
        item = receive(office, proposer, now=now, number=number, title=title, disclosure=Item.Disclosure.PUBLIC)
        items.append(intake.register_item(actor=office, now=now, item=item))
    first, second = items
    civil_handler = UserFactory(username="civil", full_name="民政局承办人")
    MembershipFactory(user=civil_handler, role=Role.HANDLER, district=district, unit=units["民政"])

    # The desk: both items await assignment; tick both, find the units by typing, assign.
    log_in(page, server, "office")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/assign/")
    rows = page.locator("table.desk-table tbody tr")
    assert rows.count() == 2
    shoot(page, "desk")
    page.locator("input[data-select-all]").check()  # every item of the page, by keyboard or click
    assert page.locator("input[name=items]:checked").count() == 2
    unit_filter = page.locator("input[data-unit-filter]")
    unit_filter.fill("经委")
    assert page.locator("[data-unit-row]:visible").count() == 1
    page.locator(f"input[name=lead_units][value='{units['经委'].pk}']").check()
    unit_filter.fill("民政")
    page.locator(f"input[name=co_units][value='{units['民政'].pk}']").check()
    unit_filter.fill("")
    summary = page.locator("[data-unit-summary]").inner_text()
    assert "区经委" in summary and "区民政局" in summary
    shoot(page, "desk-ticked")
    page.locator("section.desk-units button[type=submit]").click()
    page.wait_for_url(f"{server.url}/assign/done/**")
    assert page.locator("[data-assigned]").count() == 2 and page.locator("[data-refused]").count() == 0
    shoot(page, "desk-done")
    assert Assignment.objects.filter(item__in=items).count() == 4

    # What the units see next: the item page names both units, awaiting acceptance.
    page.click(f"[data-assigned='{first.pk}'] a")
    page.wait_for_url(f"{server.url}/items/{first.pk}/")
    assert page.locator(f"article.item-unit[data-unit='{units['经委'].pk}']").count() == 1
    assert page.locator(f"article.item-unit[data-unit='{units['民政'].pk}']").count() == 1

    # The lead unit returns the first item; the office reads why and hands it to another unit.
    lead = Assignment.objects.get(item=first, unit=units["经委"])
    assign.return_assignment(actor=handler, now=now, assignment=lead, reason="不属于本单位职责，建议由区教育局办理")
    page.reload()
    page.click(f".item-acts a[href='/assignments/{lead.pk}/reassign/']")
    page.wait_for_url(f"{server.url}/assignments/{lead.pk}/reassign/")
    assert "不属于本单位职责，建议由区教育局办理" in page.locator(".reassign-reason").inner_text()
    page.locator("input[data-unit-filter]").fill("教育")
    page.get_by_label("区教育局").check()
    shoot(page, "reassign")
    page.locator("form.assign-form button[type=submit]").click()
    page.wait_for_url(f"{server.url}/items/{first.pk}/")
    assert page.locator(f"article.item-unit[data-unit='{units['教育'].pk}']").count() == 1
    assert page.locator(f".item-acts a[href='/assignments/{lead.pk}/reassign/']").count() == 0
    new = Assignment.objects.get(replaces=lead)
    assert (new.unit, new.state) == (units["教育"], Assignment.State.PENDING)

    # The second item becomes a key item led by the district leader.
    page.goto(f"{server.url}/items/{second.pk}/")
    page.click(f".item-acts a[href='/items/{second.pk}/key/']")
    page.wait_for_url(f"{server.url}/items/{second.pk}/key/")
    page.select_option("select[name=leader]", str(leader.pk))
    shoot(page, "key")
    page.locator("form.assign-form button[type=submit]").click()
    page.wait_for_url(f"{server.url}/items/{second.pk}/")
    assert "分管副区长" in page.locator("section.item-facts").inner_text()
    assert page.locator(".item-head .item-key").count() == 1

    # The co-unit's handler finds the second item in their list.
    page.context.clear_cookies()
    log_in(page, server, "civil")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/items/")
    assert page.locator(f"tr[data-item='{second.pk}']").count() == 1


def test_the_office_assigns_one_item_with_split_leads_and_sees_a_refusal_first(
    page, server, district, office, proposer, units
):
    now = dt.datetime.now(dt.UTC)
    item = receive(office, proposer, now=now, number="0003", title="关于优化公交线路的建议")
    intake.register_item(actor=office, now=now, item=item)
    log_in(page, server, "office")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/items/{item.pk}/")
    page.click(f".item-acts a[href='/items/{item.pk}/assign/']")
    page.wait_for_url(f"{server.url}/items/{item.pk}/assign/")
    shoot(page, "assign")
    page.locator(f"input[name=lead_units][value='{units['经委'].pk}']").check()
    page.locator(f"input[name=lead_units][value='{units['莘庄'].pk}']").check()
    page.locator("form.assign-form button[type=submit]").click()
    # Two leads without split: the service's reason beside the units, the ticks kept.
    assert page.locator("#lead-units-error").count() == 1
    assert page.locator("input[name=lead_units]:checked").count() == 2
    shoot(page, "assign-refused")
    page.locator("input[name=split]").check()
    page.locator("form.assign-form button[type=submit]").click()
    page.wait_for_url(f"{server.url}/items/{item.pk}/")
    roles = set(Assignment.objects.filter(item=item).values_list("role", flat=True))
    assert roles == {Assignment.Role.SPLIT_LEAD}
    assert page.locator("article.item-unit").count() == 2
