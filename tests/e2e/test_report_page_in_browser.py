import datetime as dt

import pytest

from districts.models import Role
from reports.charts import PALETTE

from ..annual.builders import handled_item
from ..factories import MembershipFactory, UserFactory
from .screens import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHART_COLOURS = """() => ["chart-outcomes", "chart-categories", "chart-units"].map(
    (id) => Chart.getChart(document.getElementById(id)).data.datasets[0].backgroundColor)"""


def test_the_report_page_draws_its_charts_in_the_colours_the_pdf_uses(page, server, district):
    handled_item(district, year=2026, replies=[("A", dt.date(2026, 5, 1))])
    handled_item(district, year=2026, replies=[("C", dt.date(2026, 6, 1))])
    MembershipFactory(user=UserFactory(username="clerk"), role=Role.OFFICE, district=district)
    log_in(page, server, "clerk")
    page.wait_for_url(f"{server.url}/")

    page.goto(f"{server.url}/reports/?district=minhang&year=2026&body=cppcc")

    outcomes, categories, units = page.evaluate(CHART_COLOURS)
    assert outcomes == list(PALETTE[:3])  # one colour per outcome of the scheme, in scheme order
    assert categories[0] == PALETTE[0]
    assert units == PALETTE[0]  # the first series: items led
