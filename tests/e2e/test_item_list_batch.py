"""The office ticks two rows of the item list and lands on the assignment desk with both preselected.

Also "tick all on this page" (static/js/itemlist.js). Screenshots of the list at 1366x768 and 390x844 go to
/tmp/shots/itemlist-*.png (SHOTS to move them).
"""

import datetime as dt

import pytest

from tests.factories import CategoryFactory, SessionFactory
from tests.workflow.flow import receive
from workflow.services import assignment as assign
from workflow.services import intake

from .screens import log_in, shooter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


shoot = shooter("itemlist")


def test_the_office_ticks_two_rows_and_assigns_them_at_the_desk(page, server, district, office, proposer, unit):
    now = dt.datetime.now(dt.UTC)
    session = SessionFactory(district=district, term=6, number=1, label="六届一次", year=now.year)
    category = CategoryFactory(district=district, name="城市建设和管理")
    titles = ["关于加强社区养老服务的建议", "关于完善老旧小区加装电梯的建议", "关于规范共享单车停放的建议"]
    items = []
    for n, title in enumerate(titles, start=1):
        item = receive(office, proposer, now=now, number=f"{n:04d}", title=title, session=session, category=category)
        items.append(intake.register_item(actor=office, now=now, item=item))
    assigned = receive(office, proposer, now=now, number="0004", title="关于增设公交线路的建议", category=category)
    intake.register_item(actor=office, now=now, item=assigned)
    assign.assign_units(actor=office, now=now, item=assigned, lead_units=[unit])

    log_in(page, server, "office")
    page.wait_for_url(f"{server.url}/**")
    page.goto(f"{server.url}/items/?year={items[0].year}&sort=number")
    assert page.locator("table.items-table tbody tr").count() == 4
    assert page.locator("select[name=session] option").count() == 2  # all, 六届一次
    assert page.locator("input[name=proposer]").count() == 1

    # Tick all on this page, then none: the script's box, shown only with script.
    tick_all = page.locator("input[data-tick-all]")
    tick_all.check()
    assert page.locator("input[name=items]:checked").count() == 4
    tick_all.uncheck()
    assert page.locator("input[name=items]:checked").count() == 0

    first, second = items[0], items[2]
    page.locator(f"input[name=items][value='{first.pk}']").check()
    page.locator(f"input[name=items][value='{second.pk}']").check()
    assert page.locator("[data-ticked-count]").inner_text().endswith("2")
    shoot(page, "list-ticked")

    page.locator("#items-batch button[formaction$='/items/assign/']").click()
    page.wait_for_url(f"{server.url}/assign/?items={first.pk}&items={second.pk}")
    rows = page.locator("table.desk-table tbody tr")
    assert rows.count() == 2
    assert page.locator("input[name=items]:checked").count() == 2
    text = page.locator("table.desk-table").inner_text()
    assert titles[0] in text and titles[2] in text and titles[1] not in text
    shoot(page, "desk-preselected")
