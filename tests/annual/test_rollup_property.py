"""The yearly rollup agrees exactly with the report from the tables, whatever the services did.

Random sequences of service calls by random actors (the workflow's own state machine,
tests/workflow/test_state_machine.py, with its invariants), plus imports of past and live
rows in the current and the previous year, and proposals handed in from residents' 码上约
messages. After every step, for each year and body: the
report the page shows (reports.rollup, which must have answered from the rollup) equals
`reports.annual.annual_report` from the base tables in every figure, and the stored counts
equal the items' facts grouped from scratch.
"""

import contextlib
import datetime as dt
import itertools
import os

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from districts.models import District
from imports.errors import ImportRejected
from imports.service import run_import
from reports import annual, rollup
from reports.models import FACT_FIELDS, FactCount, ItemFacts
from tests.importing.sheets import HEADER_EN, csv_bytes, row
from tests.workflow.test_state_machine import Workflow
from workflow.models import Consultation, Reply
from workflow.services import intake, outreach, submissions

SCOPES = [(2026, "cppcc"), (2026, "npc"), (2025, "cppcc")]
_numbers = itertools.count(1)


class RollupWorkflow(Workflow):
    @rule(
        year=st.sampled_from([2025, 2026]),
        replied=st.booleans(),
        outcome=st.sampled_from(["A", "B", "C"]),
        closed=st.booleans(),
        rating=st.sampled_from([None, "好", "一般"]),
        flags=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    )
    def import_rows(self, year, replied, outcome, closed, rating, flags):
        """An import of a past row (with a reply date) or a live one (enters the workflow at assignment)."""
        disclosed, key_item, praised = flags
        day = self.now.date() - dt.timedelta(days=3)
        cells = {
            "number": f"I{next(_numbers)}",
            "title": "导入的提案",
            "body": "提案",
            "year": year,
            "proposers": "机委员",
            "lead_units": "单位0",
            "assigned_on": day.isoformat(),
            "key_item": "是" if key_item else "否",
        }
        if replied:
            cells.update(
                replied_on=day.isoformat(),
                outcome=outcome,
                closed="是" if closed else "否",
                rating=rating,
                disclosed="是" if disclosed else "否",
                praised="是" if praised else "否",
            )
        district = District.objects.get(code="sm")
        with contextlib.suppress(ImportRejected):
            run_import(
                actor=None,
                now=self.now,
                district=district,
                filename="rows.csv",
                data=csv_bytes(HEADER_EN, [row(**cells)]),
            )

    @rule(messages=st.integers(min_value=1, max_value=2), registered=st.booleans())
    def hand_in_residents_messages(self, messages, registered):
        """码上约: residents' messages turned into one proposal, handed in, recorded as an item, maybe registered."""
        member, office = self.actors["member"], self.actors["office"]
        district = District.objects.get(code="sm")
        outreach.set_members_enabled(actor=office, now=self.now, district=district, enabled=True)
        code = outreach.issue_code(actor=member, now=self.now, proposer=self.proposer)  # a fresh one: no rate limit
        sent = [outreach.receive(now=self.now, code=code, text="居民留言") for _ in range(messages)]
        draft = outreach.turn_into_suggestion(actor=member, now=self.now, messages=sent)
        submissions.submit(actor=member, now=self.now, submission=draft)
        item = submissions.register(actor=office, now=self.now, submission=draft, number=f"M{next(_numbers)}")
        if registered:
            intake.register_item(actor=office, now=self.now, item=item)

    @invariant()
    def no_sent_reply_without_consultation_or_waiver(self):
        """The workflow's invariant, but for imported history, which the workflow's preconditions don't apply to."""
        for r in Reply.objects.filter(state="sent", kind="reply", assignment__item__is_imported=False):
            assert Consultation.objects.filter(
                assignment=r.assignment_id, round=r.round, stage__in=["before", "during"]
            ).exists(), r

    @invariant()
    def the_rollup_report_equals_the_report_from_the_tables(self):
        district = District.objects.get(code="sm")
        as_of = (self.now + dt.timedelta(days=1)).date()  # after everything that happened
        for year, body in SCOPES:
            checked = annual.annual_report(district=district, year=year, body=body, as_of=as_of)
            shown, sources = rollup.annual_report(district=district, year=year, body=body, as_of=as_of)
            assert shown == checked
            if rollup.RolledUpYear.objects.filter(district=district, year=year, body=body).exists():
                assert sources[district.pk, year] == "rollup"

    @invariant()
    def the_stored_counts_are_the_items_facts_grouped_from_scratch(self):
        stored = {
            row[:-1]: row[-1]
            for row in FactCount.objects.filter(n__gt=0).values_list(
                "district", "year", "body", "kind", *FACT_FIELDS, "n"
            )
        }
        sql, params = annual.facts_sql("1 = 1", {}, rollup.FOREVER, select=rollup._PER_ITEM)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            derived = {}
            for _pk, *facts in cursor.fetchall():
                derived[tuple(facts)] = derived.get(tuple(facts), 0) + 1
        rolled = set(rollup.RolledUpYear.objects.values_list("district", "year", "body"))
        assert stored == {k: n for k, n in derived.items() if k[:3] in rolled}
        assert ItemFacts.objects.count() == sum(stored.values())


@pytest.mark.django_db
def test_random_service_calls_keep_the_rollup_equal_to_the_report_from_the_tables(settings_for_machine):
    run_state_machine_as_test(RollupWorkflow, settings=settings_for_machine)


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
