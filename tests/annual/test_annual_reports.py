"""`annual_reports`: every district of a year in one call, the same reports as one call per district."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.annual import annual_report, annual_reports
from tests.factories import CategoryFactory, DistrictFactory
from workflow.errors import WorkflowError
from workflow.models import BodySetting

from .builders import handled_item

D = dt.date
ARGS = {"year": 2017, "body": "cppcc", "as_of": D(2017, 12, 31), "precision": 1}


def test_reports_of_two_districts_equal_one_report_each(district, other_district):
    CategoryFactory(district=district, name="经济")
    handled_item(district, replies=[("A", D(2017, 5, 1))], rating_code="good", praised=True, closed_on=D(2017, 9, 1))
    handled_item(district, leads=2, replies=[("A", D(2017, 5, 1)), ("C", D(2017, 5, 2))])
    handled_item(district, year=2016, replies=[("B", D(2016, 5, 1))])
    handled_item(other_district, replies=[("C", D(2017, 6, 1))], is_key=True)
    handled_item(other_district, replies=[None])

    reports = annual_reports(districts=[district, other_district], **ARGS)

    assert reports == {
        "minhang": annual_report(district=district, **ARGS),
        "jinshan": annual_report(district=other_district, **ARGS),
    }
    assert (reports["minhang"]["total"], reports["jinshan"]["total"]) == (2, 2)


def test_reports_of_more_districts_take_the_same_queries(district, other_district):
    handled_item(district, replies=[("A", D(2017, 5, 1))])
    with CaptureQueriesContext(connection) as one:
        annual_reports(districts=[district], **ARGS)
    third = DistrictFactory(code="songjiang", name="松江区")
    for d in (other_district, third):
        handled_item(d, leads=2, replies=[("A", D(2017, 5, 1)), ("B", D(2017, 5, 1))], rating_code="good")
    with CaptureQueriesContext(connection) as three:
        annual_reports(districts=[district, other_district, third], **ARGS)
    assert len(one) == len(three) == 9


def test_a_district_without_an_outcome_scheme_is_refused(district, other_district):
    BodySetting.objects.filter(district=other_district).delete()
    with pytest.raises(WorkflowError):
        annual_reports(districts=[district, other_district], **ARGS)
