"""Separated duties (三员分立): the system, security and audit administrators run the deployment, read no item.

Each holds one role with no district, alone on their account; the admin site gives each their
duty's models only; a superuser reads no item by being one; the city admin reads every district
as a business role, outside the admin site.
"""

import io

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from demo.people import DEMO_PASSWORD
from districts.models import ADMINISTRATOR_ROLES, Membership, Role, User
from tests.factories import MembershipFactory, UserFactory
from workflow import access
from workflow.selectors import visible_items

pytestmark = pytest.mark.django_db


def administrator(role, username=None, **extra):
    user = UserFactory(username=username or role.value, **extra)
    MembershipFactory(user=user, role=role, district=None)
    user.refresh_from_db()
    return user


def errors_of(membership):
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    return [str(message) for messages in caught.value.message_dict.values() for message in messages]


# --- the roles and their rules -------------------------------------------------------------


@pytest.mark.parametrize("role", ADMINISTRATOR_ROLES)
def test_an_administrator_role_holds_no_district(role, district):
    user = UserFactory()
    with translation.override("en"):
        errors = errors_of(Membership(user=user, role=role, district=district))
    assert any("hold no district" in message for message in errors)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=role, district=district)
    Membership.objects.create(user=user, role=role)  # without one it is saved


def test_a_district_role_still_needs_its_district(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=Role.OFFICE, district=None)


def test_no_account_holds_two_administrator_roles(db):
    user = administrator(Role.SECURITY_ADMIN)
    with translation.override("en"):
        errors = errors_of(Membership(user=user, role=Role.AUDIT_ADMIN))
    assert errors == [
        "This account already holds an administrator role: "
        "the system, security and audit administrators are three separate accounts."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.AUDIT_ADMIN)


def test_an_administrator_holds_no_business_role_and_a_business_account_becomes_no_administrator(district, office):
    auditor = administrator(Role.AUDIT_ADMIN)
    with translation.override("en"):
        as_office = errors_of(Membership(user=auditor, role=Role.OFFICE, district=district))
        as_city_admin = errors_of(Membership(user=auditor, role=Role.CITY_ADMIN))
        office_as_auditor = errors_of(Membership(user=office, role=Role.AUDIT_ADMIN))
    for errors in (as_office, as_city_admin, office_as_auditor):
        assert errors == [
            "An administrator's account holds no other role: the system, security and audit administrators "
            "neither handle nor read items. Use a separate account for business work."
        ]
    # An ended role is no conflict: the clerk who left the office may become the auditor.
    Membership.objects.filter(user=office).update(is_active=False)
    Membership(user=office, role=Role.AUDIT_ADMIN).full_clean()


def test_an_administrator_role_gives_staff_status_and_ending_it_takes_it_back(db):
    user = administrator(Role.SYSTEM_ADMIN)
    assert user.is_staff and not user.is_superuser
    membership = user.memberships.get()
    membership.is_active = False
    membership.save()
    user.refresh_from_db()
    assert not user.is_staff


# --- nobody reads items by being an administrator ---------------------------------------------


@pytest.mark.parametrize("role", ADMINISTRATOR_ROLES)
def test_an_administrator_reads_no_item_and_no_report(client, item, role):
    user = administrator(role)
    assert not access.is_admin(user) and not access.reads_reports(user) and not access.acts_as_office(user)
    assert not visible_items(user).exists()
    client.force_login(user)
    assert client.get(reverse("items:detail", args=[item.pk])).status_code == 404
    response = client.get(reverse("items:list"), {"year": ""})
    assert item.title not in response.text


def test_a_superuser_reads_no_item_by_being_one(client, item):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert not access.is_admin(root) and not visible_items(root).exists()
    client.force_login(root)
    assert client.get(reverse("items:detail", args=[item.pk])).status_code == 404


def test_the_city_admin_reads_every_district_and_its_reports_but_not_the_admin_site(client, item, city_admin):
    assert access.is_admin(city_admin) and not city_admin.is_staff and not city_admin.is_superuser
    client.force_login(city_admin)
    assert client.get(reverse("items:detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("reports:annual")).status_code == 200
    assert client.get("/admin/").status_code == 302  # to the admin's login: no staff status


# --- the admin site by duty ---------------------------------------------------------------------

SYSTEM_ONLY = ["/admin/districts/handlingunit/", "/admin/districts/district/", "/admin/deadlines/holiday/"]
SECURITY_ONLY = ["/admin/districts/membership/", "/admin/knox/authtoken/"]
AUDIT_ONLY = ["/admin/admin/logentry/"] + (["/admin/audit/auditentry/"] if apps.is_installed("audit") else [])
NOBODY = [
    "/admin/proposals/item/",
    "/admin/workflow/reply/",
    "/admin/workflow/event/",
    "/admin/notifications/notification/",
]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.SYSTEM_ADMIN, [*SYSTEM_ONLY, "/admin/districts/user/"]),
        (Role.SECURITY_ADMIN, [*SECURITY_ONLY, "/admin/districts/user/"]),
        (Role.AUDIT_ADMIN, AUDIT_ONLY),
    ],
)
def test_each_administrator_opens_the_admin_pages_of_their_duty_only(client, role, allowed):
    client.force_login(administrator(role))
    assert client.get("/admin/").status_code == 200
    for url in SYSTEM_ONLY + SECURITY_ONLY + AUDIT_ONLY + NOBODY + ["/admin/districts/user/"]:
        assert client.get(url).status_code == (200 if url in allowed else 403), (role, url)


def test_the_audit_administrator_reads_the_admin_log_and_changes_nothing(client):
    auditor = administrator(Role.AUDIT_ADMIN)
    entry = LogEntry.objects.create(
        user=administrator(Role.SYSTEM_ADMIN),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(auditor.pk),
        object_repr="audit_admin",
        action_flag=CHANGE,
        change_message="changed the phone",
    )
    client.force_login(auditor)
    assert "changed the phone" in client.get("/admin/admin/logentry/").text
    change = f"/admin/admin/logentry/{entry.pk}/change/"
    assert client.get(change).status_code == 200 and 'name="_save"' not in client.get(change).text
    assert client.post(change, {"change_message": "nothing happened"}).status_code == 403
    assert client.get(f"/admin/admin/logentry/{entry.pk}/delete/").status_code == 403
    entry.refresh_from_db()
    assert entry.change_message == "changed the phone"


def test_a_security_administrator_cannot_raise_anyone_to_superuser(client):
    security = administrator(Role.SECURITY_ADMIN)
    clerk = UserFactory(username="clerk")
    client.force_login(security)
    page = client.get(f"/admin/districts/user/{clerk.pk}/change/").text
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page


def user_form(user, memberships):
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "language": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": "0",
    }
    for n, role in enumerate(memberships):
        data.update({f"memberships-{n}-role": role, f"memberships-{n}-is_active": "on"})
    return data


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ([Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN], "three separate accounts"),
        ([Role.AUDIT_ADMIN, Role.CITY_ADMIN], "holds no other role"),
    ],
)
def test_the_admin_form_refuses_two_duties_on_one_account_with_its_reason(client, roles, message):
    security = administrator(Role.SECURITY_ADMIN, language="en")
    clerk = UserFactory(username="clerk")
    client.force_login(security)
    response = client.post(f"/admin/districts/user/{clerk.pk}/change/", user_form(clerk, roles))
    assert response.status_code == 200 and message in response.text
    assert not clerk.memberships.exists()


def test_the_admin_form_gives_one_duty_and_staff_status_with_it(client):
    security = administrator(Role.SECURITY_ADMIN)
    clerk = UserFactory(username="clerk")
    client.force_login(security)
    response = client.post(f"/admin/districts/user/{clerk.pk}/change/", user_form(clerk, [Role.AUDIT_ADMIN]))
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.is_staff and list(clerk.memberships.values_list("role", flat=True)) == [Role.AUDIT_ADMIN]


# --- the demo --------------------------------------------------------------------------------


def test_the_demo_has_one_login_per_administrator_and_a_city_admin_who_is_no_superuser(client):
    out = io.StringIO()
    call_command("seed_demo", force=True, items=1, stdout=out)
    for role in ADMINISTRATOR_ROLES:
        assert f"  {role.value} " in out.getvalue()
        user = User.objects.get(username=role.value)
        assert [m.role for m in user.memberships.all()] == [role]
        assert user.is_staff and not user.is_superuser
        assert user.check_password(DEMO_PASSWORD)
        client.force_login(user)
        assert client.get("/admin/").status_code == 200
        assert not visible_items(user).exists()
    admin = User.objects.get(username="admin")
    assert not admin.is_superuser and not admin.is_staff
    assert access.is_admin(admin) and visible_items(admin).count() > 0
    assert not User.objects.filter(is_superuser=True).exists()
