"""Submissions' fixtures: a co-signer with a login, a group with its staff, a draft with one invitation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from districts.models import Proposer, Role
from workflow.services import submissions

from ..factories import MembershipFactory, ProposerFactory, UserFactory

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
ANSWER_BY = dt.date(2026, 3, 5)  # three working days later


@pytest.fixture
def cosigner(district):
    return ProposerFactory(district=district, name="李委员")


@pytest.fixture
def cosigner_user(district, cosigner):
    user = UserFactory(username="cosigner", full_name="李委员")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=cosigner)
    return user


@pytest.fixture
def silent(district):
    """A member who never logs in: the office confirms for them."""
    return ProposerFactory(district=district, name="王委员")


@pytest.fixture
def group(district):
    return ProposerFactory(district=district, name="民盟区委", kind=Proposer.Kind.PARTY)


@pytest.fixture
def group_staff(district, group):
    user = UserFactory(username="group_staff", full_name="民盟秘书")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=group)
    return user


@pytest.fixture
def draft(proposer, proposer_user):
    return submissions.create_draft(
        actor=proposer_user,
        now=NOW,
        lead=proposer,
        kind="proposal",
        title="关于优化公交线路的提案",
        text="建议增加地铁站接驳公交。",
    )


@pytest.fixture
def invited(draft, proposer_user, cosigner, cosigner_user):
    return submissions.invite(actor=proposer_user, now=NOW, submission=draft, proposer=cosigner)


@pytest.fixture
def handed_in(draft, invited, proposer_user, cosigner_user):
    """The draft with `cosigner` confirmed, handed in."""
    submissions.confirm(actor=cosigner_user, now=NOW, invitation=invited)
    return submissions.submit(actor=proposer_user, now=NOW, submission=draft)
