"""码上约 fixtures: a deputy of the people's congress with a login and a live code, and another deputy."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from districts.models import Body, Role
from workflow.services import outreach

from ..factories import MembershipFactory, ProposerFactory, UserFactory

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def deputy(district):
    return ProposerFactory(district=district, body=Body.NPC, name="陈代表", constituency="莘庄镇第3选区")


@pytest.fixture
def deputy_user(district, deputy):
    user = UserFactory(username="deputy", full_name="陈代表")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=deputy)
    return user


@pytest.fixture
def other_deputy_user(district):
    other = ProposerFactory(district=district, body=Body.NPC, name="林代表")
    user = UserFactory(username="other_deputy", full_name="林代表")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=other)
    return user


@pytest.fixture
def code(deputy, deputy_user):
    return outreach.issue_code(actor=deputy_user, now=NOW, proposer=deputy)


@pytest.fixture
def send(code):
    """Leave a message through `code` (or another), as the public form does."""

    def send(text="小区门口路灯坏了", *, through=None, now=NOW, **fields):
        return outreach.receive(now=now, code=through or code, text=text, **fields)

    return send
