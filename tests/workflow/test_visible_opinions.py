"""Who reads a co-unit's opinion (`selectors.visible_opinions`): written for the lead unit, not the proposers."""

import pytest

from workflow.selectors import visible_opinions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["office", "leader", "handler", "co_handler", "city_admin"])
def test_the_office_the_leaders_the_lead_unit_and_its_writer_read_it(handled, who, request):
    assert visible_opinions(request.getfixturevalue(who)).filter(assignment__item=handled.item).count() == 1


@pytest.mark.parametrize("who", ["proposer_user", "outsider", "other_handler"])
def test_the_proposers_another_district_and_another_unit_do_not(handled, who, request):
    assert not visible_opinions(request.getfixturevalue(who)).exists()
