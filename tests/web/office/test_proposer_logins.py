"""The office gives deputies and members their logins and finds them again for a reset, without /admin/."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from districts.models import Body, Membership, Role, User
from tests.concurrency import race
from tests.factories import ProposerFactory
from workflow.errors import WorkflowError
from workflow.services import staffing

pytestmark = pytest.mark.django_db
PASSWORD = "Qiang-mima-2026!"


def _give(client, proposer, **changes):
    data = {"username": "wang.weiyuan", "password": PASSWORD, "phone": "13800000001", **changes}
    return client.post(reverse("people:proposer_login", args=[proposer.pk]), data)


def test_the_roster_shows_who_logs_in_and_offers_a_login_to_the_others(as_office, district, proposer, proposer_user):
    without = ProposerFactory(district=district, name="王委员", body=Body.CPPCC)
    deputy = ProposerFactory(district=district, name="赵代表", body=Body.NPC)
    page = as_office.get(reverse("people:proposers")).text
    assert proposer_user.username in page
    assert reverse("people:proposer_login", args=[without.pk]) in page
    assert reverse("people:proposer_login", args=[proposer.pk]) not in page  # has one already
    narrowed = as_office.get(reverse("people:proposers"), {"body": "npc"}).text
    assert deputy.name in narrowed and without.name not in narrowed
    assert without.name in as_office.get(reverse("people:proposers"), {"q": "王委"}).text


def test_the_roster_costs_the_same_for_many_proposers(as_office, district, proposer, proposer_user):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert as_office.get(reverse("people:proposers")).status_code == 200
        return len(queries)

    few = count()
    for i in range(20):
        other = ProposerFactory(district=district, name=f"委员{i:02}")
        user = User.objects.create(username=f"wy{i}")
        Membership.objects.create(user=user, role=Role.PROPOSER, district=district, proposer=other)
    # session, user and bell; the office's districts; the roster; its logins
    assert count() == few <= 5


def test_the_office_gives_a_login_that_must_change_its_first_password(as_office, client, district):
    member = ProposerFactory(district=district, name="王委员")
    response = _give(as_office, member)
    membership = Membership.objects.get(user__username="wang.weiyuan")
    assert response.status_code == 302 and response.url == reverse("people:person", args=[membership.pk])
    assert (membership.role, membership.proposer, membership.user.full_name) == ("proposer", member, "王委员")
    assert membership.history.get().history_user.username == "office"
    client.logout()
    client.post(reverse("login"), {"username": "wang.weiyuan", "password": PASSWORD})
    assert client.get(reverse("my:items")).url.startswith(reverse("accounts:password_change"))


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"username": "office"}, "A user with that username already exists."),
        ({"password": "123"}, "This password is too short."),
        ({"email": "nope"}, "Enter a valid email address."),
    ],
)
def test_a_bad_login_says_what_is_wrong_and_gives_nothing(as_office, district, change, field_message):
    member = ProposerFactory(district=district)
    before = User.objects.count()
    response = _give(as_office, member, **change)
    assert response.status_code == 400
    assert field_message in response.text
    assert User.objects.count() == before


def test_a_proposer_with_a_login_gets_no_second_one(as_office, proposer, proposer_user):
    response = _give(as_office, proposer)
    assert response.status_code == 400
    assert f"already logs in as {proposer_user.username}: reset that password instead." in response.text
    assert not User.objects.filter(username="wang.weiyuan").exists()


def test_an_inactive_proposer_is_given_no_login(office, district):
    member = ProposerFactory(district=district, is_active=False)
    with pytest.raises(WorkflowError, match="no longer active"):
        staffing.give_proposer_login(
            actor=office, now=timezone.now(), proposer=member, username="x1", password=PASSWORD
        )


def test_another_districts_proposer_is_not_found_and_other_roles_are_refused(
    as_office, client, other_district, handler
):
    foreign = ProposerFactory(district=other_district)
    assert _give(as_office, foreign).status_code == 404
    assert as_office.get(reverse("people:proposer_login", args=[foreign.pk])).status_code == 404
    client.force_login(handler)
    assert client.get(reverse("people:proposers")).status_code == 403
    assert not Membership.objects.filter(proposer=foreign).exists()


def test_a_second_click_gives_one_login(as_office, district):
    member = ProposerFactory(district=district)
    token = str(uuid.uuid4())
    first, second = _give(as_office, member, submit_token=token), _give(as_office, member, submit_token=token)
    assert (first.status_code, second.status_code) == (302, 302)
    assert Membership.objects.filter(proposer=member).count() == 1


@pytest.mark.services  # a race needs PostgreSQL's row locks: SQLite refuses the second writer ("database is locked")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clerks_at_once_give_one_login(office, district):
    member = ProposerFactory(district=district)

    def give(n):
        return lambda: staffing.give_proposer_login(
            actor=office, now=timezone.now(), proposer=member, username=f"clerk{n}.login", password=PASSWORD
        )

    outcomes = race(give(1), give(2))
    assert sorted(type(o).__name__ for o in outcomes) == ["Membership", "WorkflowError"]
    assert Membership.objects.filter(proposer=member, is_active=True).count() == 1
