"""`seed_demo`: the demo data, idempotent, and one working login per role."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from demo.people import DEMO_PASSWORD
from demo.worklist import WORK, staged_numbers
from districts.models import District, HandlingUnit, Membership, Role
from proposals.models import Category, Item, Session

DEMO_LOGINS = {
    "office": Role.OFFICE,
    "handler": Role.HANDLER,
    "unit_head": Role.UNIT_HEAD,
    "leader": Role.LEADER,
    "proposer": Role.PROPOSER,
    "admin": Role.CITY_ADMIN,
    "system_admin": Role.SYSTEM_ADMIN,
    "security_admin": Role.SECURITY_ADMIN,
    "audit_admin": Role.AUDIT_ADMIN,
}


ITEMS = 3  # per district, body and year: enough for the checks, quick to drive through the workflow


def seed():
    out = io.StringIO()
    call_command("seed_demo", force=True, items=ITEMS, stdout=out)
    return out.getvalue()


def row_counts():
    """Rows of every table of the project, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("districts", "proposals", "workflow")
    }


@pytest.fixture
def seeded(db):
    return seed()


def test_it_builds_three_districts_with_units_categories_sessions_and_items(seeded):
    assert list(District.objects.values_list("code", "name")) == [
        ("minhang", "闵行区"),
        ("jingan", "静安区"),
        ("jinshan", "金山区"),
    ]
    minhang = District.objects.get(code="minhang")
    units = list(HandlingUnit.objects.filter(district=minhang).order_by("sort_order"))
    assert len(units) >= 12
    assert [u.short_name for u in units[:4]] == ["区经委", "区科委", "区交通委", "区教育局"]
    assert all(u.responsible_leader_id for u in units)
    assert all(u.contacts.filter(ended_on__isnull=True).count() == 1 for u in units)
    assert list(Category.objects.filter(district=minhang).values_list("name", flat=True)) == [
        "经济",
        "城市建设和管理",
        "教科文卫体",
        "综合",
    ]
    assert Session.objects.filter(district=minhang).values("year").distinct().count() == 2
    assert minhang.body_settings.count() == 2
    items = Item.objects.filter(district=minhang).exclude(number__in=staged_numbers())
    assert items.count() == 4 * ITEMS  # two bodies, two years
    # Every item went through intake and most further on, by the workflow services.
    assert not items.filter(review="pending").exists()
    assert items.exclude(state__in=["registered", "rejected"]).count() >= 2 * ITEMS
    assert not items.filter(item_proposers__isnull=True).exists()
    assert items.filter(item_proposers__is_lead=True).count() == 4 * ITEMS


def test_every_item_was_received_and_registered_by_its_district_office_on_the_session_day(seeded):
    # Intake by `workflow.services.intake`, not rows written behind its back: each timeline starts there.
    for item in Item.objects.exclude(number__in=staged_numbers()).select_related("district", "session"):
        first, second = item.events.order_by("at", "pk").select_related("actor")[:2]
        assert (first.action, second.action) == ("item.received", "item.registered"), item
        for event in (first, second):
            assert Membership.objects.filter(user=event.actor, role=Role.OFFICE, district=item.district).exists(), event
            assert timezone.localtime(event.at).date() == item.session.starts_on == item.submitted_on


def test_running_it_again_changes_nothing_and_prints_every_login_with_the_password(seeded):
    before = row_counts()
    output = seed()
    assert row_counts() == before
    assert "(0 new items)" in output
    for username in DEMO_LOGINS:
        assert f"  {username} " in output
    assert DEMO_PASSWORD in output


def test_each_demo_login_lands_on_a_home_page_showing_its_role(client, seeded):
    # One seed for all nine logins: seeding is the slow part.
    for username, role in DEMO_LOGINS.items():
        client.logout()
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("home"), username
        assert f'data-role="{role}"' in response.text, username
        with translation.override("zh-hans"):  # the product speaks Chinese unless asked otherwise
            assert str(role.label) in response.text, username
        membership = Membership.objects.get(user__username=username)
        scope = membership.unit or membership.district
        assert scope is None or scope.name in response.text, username


# What each demo login finds waiting on it (`demo.worklist`), at least: its "waiting on me" list.
WAITING = {
    "office": 5,  # two to review, two to assign, a returned assignment (and the extension, the reply to send)
    "handler": 2,  # an assignment to accept, a reply to draft
    "unit_head": 1,  # a reply to approve
    "leader": 1,  # a reply to sign off
    "proposer": 1,  # a reply to rate
}


def test_every_demo_login_finds_work_waiting_on_it_and_the_member_sees_the_staged_items(client, seeded):
    assert Item.objects.filter(number__in=staged_numbers()).count() == len(WORK)
    year = timezone.localdate().year
    for username, least in WAITING.items():
        client.force_login(Membership.objects.get(user__username=username).user)
        response = client.get(reverse("items:list"), {"mine": "on", "year": year})
        assert response.status_code == 200, username
        assert len(response.context["rows"]) >= least, username


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
