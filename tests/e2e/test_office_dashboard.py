"""The office clerk's morning: the dashboard after logging in, a count followed to its list, the item opened.

The district's year of tests/web/office/test_dashboard.py (built through the services on 2 March
2026), read on 30 March. Screenshots of the dashboard at 1366×768 and 390×844 go to /tmp/shots/dashboard-*.png.
"""

import re

import pytest
import time_machine

from tests.web.office.test_dashboard import READ_ON, co_handler, co_unit, year  # noqa: F401 (fixtures)

from .screens import SIZES, log_in, shoot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def _count(page, label):
    """The link of the dashboard row headed `label`."""
    return page.locator("tr", has=page.locator("th", has_text=label)).locator("a").first


def _listed(page):
    return sorted(page.locator("table.items-table td.items-number > a").all_inner_texts())


def test_the_clerk_follows_the_dashboards_counts_to_the_lists_and_the_item(page, server, year, district):  # noqa: F811
    with time_machine.travel(READ_ON, tick=True):
        log_in(page, server, "office")
        page.wait_for_url(f"{server.url}/")
        # The office lands on its dashboard, in Chinese, for this year and the first body with items.
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert page.locator("#dash-stages").count() == 1
        assert "闵行区" in page.locator(".dash-scope").inner_text()

        page.select_option("#dash-body", "cppcc")
        page.click("form.dash-choose button[type=submit]")
        page.wait_for_url(re.compile(r".*/office/\?.*body=cppcc.*"))

        shoot(page, "cppcc", prefix="dashboard")
        page.set_viewport_size(SIZES["phone"])
        # On a phone the cards stack: one column, each as wide as the other.
        cards = page.locator(".dash-card")
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        assert first["x"] == second["x"] and second["y"] > first["y"]
        page.set_viewport_size(SIZES["wide"])

        # A returned assignment waits for the office: the count leads to exactly that item.
        returned = page.locator("#dash-office-work ~ table a[href*='awaits_office=reassignment']")
        assert returned.inner_text() == "1"
        returned.click()
        page.wait_for_url(re.compile(r".*/items/\?.*awaits_office=reassignment.*"))
        assert _listed(page) == ["0005"]
        # The list says which list it is: the filter the dashboard set is shown, and can be cleared.
        assert page.locator("select[name=awaits_office]").input_value() == "reassignment"

        # The unit with the most overdue work: three items, the key item among them; the clerk opens it.
        page.go_back()
        overdue_at_unit = _count(page, "区经委")
        assert overdue_at_unit.inner_text() == "3"
        overdue_at_unit.click()
        page.wait_for_url(re.compile(r".*/items/\?.*overdue_unit=.*"))
        assert _listed(page) == ["0003", "0004", "0007"]
        page.click("table.items-table a:text('0003')")
        page.wait_for_url(re.compile(r".*/items/\d+/$"))
        assert "重点提案" in page.locator("h1").inner_text()
