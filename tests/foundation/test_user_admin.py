"""Only a superuser hands out rights in the admin; staff who may edit people cannot raise anyone."""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff_who_edits_people():
    user = UserFactory(username="hr", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="districts", codename__in=["view_user", "change_user"])
    )
    return user


def test_staff_editing_people_cannot_make_themselves_superuser(client):
    hr = staff_who_edits_people()
    client.force_login(hr)
    url = f"/admin/districts/user/{hr.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    client.post(
        url,
        {
            "username": "hr",
            "full_name": "人事",
            "language": "",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    hr.refresh_from_db()
    assert not hr.is_superuser


def test_a_superuser_still_sees_the_rights(admin_client, db):
    someone = UserFactory(username="someone")
    page = admin_client.get(f"/admin/districts/user/{someone.pk}/change/").content.decode()
    assert 'name="is_superuser"' in page and 'name="user_permissions"' in page
