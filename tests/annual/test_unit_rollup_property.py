"""The per-unit rollup agrees exactly with the unit figures from the tables, whatever the services did.

The yearly rollup's machine (tests/annual/test_rollup_property.py: the workflow's state machine
with imports and residents' messages) with the unit figures checked after every step, for each
year and body: `reports.units.unit_statistics` and `replies_by_month` as the page shows them
(which must have answered from the rollup where the year is rolled up) equal the same from the
base tables in every figure, and the stored counts equal the items' per-unit facts summed from
scratch.
"""

import datetime as dt
import os
from collections import Counter

import pytest
from django.db import connection
from hypothesis.stateful import invariant, run_state_machine_as_test

from districts.models import District
from reports import unit_rollup, units
from reports.models import RolledUpYear, UnitFactCount, UnitFacts
from tests.annual.test_rollup_property import SCOPES, RollupWorkflow


class UnitRollupWorkflow(RollupWorkflow):
    @invariant()
    def the_rollup_unit_figures_equal_the_unit_figures_from_the_tables(self):
        district = District.objects.get(code="sm")
        as_of = (self.now + dt.timedelta(days=1)).date()  # after everything that happened
        for year, body in SCOPES:
            rolled = RolledUpYear.objects.filter(district=district, year=year, body=body).exists()
            shown = units.unit_statistics(district=district, year=year, body=body, as_of=as_of)
            checked = units.unit_statistics_from_tables(district=district, year=year, body=body, as_of=as_of)
            assert shown.rows == checked.rows
            assert shown.source == ("rollup" if rolled else "tables")
            months, source = units._replies_by_month(district=district, year=year, body=body)
            assert months == units._replies_by_month(district=district, year=year, body=body, tables=True)[0]
            assert source == ("rollup" if rolled else "tables")

    @invariant()
    def the_stored_unit_counts_are_the_items_facts_summed_from_scratch(self):
        stored = {
            row[:-1]: row[-1]
            for row in UnitFactCount.objects.filter(n__gt=0).values_list(
                "district", "year", "body", "kind", "unit", "measure", "value", "n"
            )
        }
        sql, params = unit_rollup.facts_sql("1 = 1", {})
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            derived, facts = Counter(), Counter()
            for pk, *key, n in cursor.fetchall():
                derived[tuple(key)] += n
                facts[(pk, *key)] += n
        rolled = set(RolledUpYear.objects.values_list("district", "year", "body"))
        assert stored == {k: n for k, n in derived.items() if k[:3] in rolled}
        kept = Counter()
        for pk, *key, n in UnitFacts.objects.values_list(
            "item", "district", "year", "body", "kind", "unit", "measure", "value", "n"
        ):
            kept[(pk, *key)] += n
        assert kept == {k: n for k, n in facts.items() if tuple(k[1:4]) in rolled}


@pytest.mark.django_db
def test_random_service_calls_keep_the_unit_rollup_equal_to_the_unit_figures_from_the_tables(settings_for_machine):
    run_state_machine_as_test(UnitRollupWorkflow, settings=settings_for_machine)


@pytest.fixture
def settings_for_machine():
    from hypothesis import HealthCheck, Phase, settings

    return settings(
        max_examples=int(os.environ.get("ROLLUP_EXAMPLES", "5")),
        stateful_step_count=40,
        phases=[Phase.explicit, Phase.reuse, Phase.generate] + ([] if os.environ.get("NO_SHRINK") else [Phase.shrink]),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
