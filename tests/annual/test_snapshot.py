"""On PostgreSQL the report's queries read one snapshot: work committed while it runs shows in none of them."""

import datetime as dt
import threading

import pytest
from django.db import connection

from reports import annual
from tests.factories import UnitFactory
from workflow.models import Assignment

from .builders import at, handled_item

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.services]


def test_an_item_assigned_while_the_report_runs_is_in_none_of_its_figures(district, monkeypatch):
    handled_item(district, replies=[("A", dt.date(2017, 5, 1))])
    units_query = annual._units

    def meanwhile(*args, **kwargs):
        # Between the item query and the units query, someone assigns a new item to a new unit.
        def assign():
            item = handled_item(district, replies=[("A", dt.date(2017, 5, 2))])
            Assignment.objects.create(
                item=item,
                unit=UnitFactory(district=district),
                role="co",
                state="accepted",
                assigned_at=at(dt.date(2017, 2, 1)),
            )
            connection.close()

        thread = threading.Thread(target=assign)
        thread.start()
        thread.join(timeout=30)
        return units_query(*args, **kwargs)

    monkeypatch.setattr(annual, "_units", meanwhile)
    report = annual.annual_report(district=district, year=2017, body="cppcc", as_of=dt.date(2017, 12, 31))
    assert (report["total"], report["units_involved"]) == (1, 1)
    # Afterwards the next report sees it all.
    monkeypatch.setattr(annual, "_units", units_query)
    report = annual.annual_report(district=district, year=2017, body="cppcc", as_of=dt.date(2017, 12, 31))
    assert (report["total"], report["units_involved"]) == (2, 3)
