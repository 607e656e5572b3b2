"""Accounts (issue #19): one's own password change, the 等保 rules, expiry and forced changes, resets, the
second factor, and the limit on logins per address across user names (password spraying)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import passwords, secondfactor
from accounts.models import AccountState, DistrictSecurity, PasswordHistory
from audit.models import Action, AuditEntry
from districts.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory
from workflow.services import staffing

PW = "pw-for-tests-only"  # tests/factories.UserFactory
GOOD = "Kept-Secret-2026"
CHANGE = "/account/password/"


def log_in(client, username, password=PW, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def change(client, current, new, again=None):
    return client.post(
        CHANGE, {"old_password": current, "new_password1": new, "new_password2": again or new, "next": "/items/"}
    )


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def refusal(password, user):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


def code_of(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- changing one's own password ------------------------------------------------------------


def test_the_header_links_ones_account_which_links_the_password_change(client, handler):
    client.force_login(handler)
    assert f'href="{reverse("accounts:overview")}"' in client.get("/").text
    assert f'href="{CHANGE}"' in client.get(reverse("accounts:overview")).text


def test_a_wrong_current_password_is_refused_and_nothing_changes(client, handler):
    english(handler)
    client.force_login(handler)
    response = change(client, "not-my-password", GOOD)
    assert response.status_code == 400
    assert "Your current password was entered incorrectly." in response.text
    handler.refresh_from_db()
    assert handler.check_password(PW)


def test_the_right_current_password_changes_it_and_the_session_stays(client, handler):
    client.force_login(handler)
    response = change(client, PW, GOOD)
    assert response.status_code == 302 and response["Location"] == "/items/"
    handler.refresh_from_db()
    assert handler.check_password(GOOD)
    assert client.get("/items/").status_code == 200  # still logged in after the change
    assert AccountState.objects.get(user=handler).password_changed_at is not None


def test_two_different_new_passwords_are_refused(client, handler):
    english(handler)
    client.force_login(handler)
    response = change(client, PW, GOOD, again=GOOD + "x")
    assert response.status_code == 400 and "The two new passwords differ." in response.text


# --- the rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1-xyz", "This password is too short. It must contain at least 8 characters."),
        ("abcdefgh12", "The password must mix at least 3 of"),
        ("ABCDEFGH!!", "The password must mix at least 3 of"),
        ("Handler-2026x", "The password may not contain the login name."),
        ("Password1", "This password is too common."),
    ],
)
def test_each_rule_refuses_with_its_message(handler, password, message):
    assert message in refusal(password, handler)


def test_a_password_of_three_classes_passes(handler):
    validate_password("Qing-hai-lake", handler)  # upper, lower, symbol
    validate_password("qinghai2026!", handler)  # lower, digit, symbol


def test_the_page_refuses_a_weak_password_with_the_rule(client, handler):
    english(handler)
    client.force_login(handler)
    response = change(client, PW, "abcdefgh12")
    assert response.status_code == 400 and "The password must mix at least 3 of" in response.text


def test_none_of_the_last_five_passwords_comes_back(handler):
    chosen = [f"Season-{n}-Spring" for n in range(1, 7)]
    current = PW
    for password in chosen:
        passwords.change_own(user=handler, now=timezone.now(), current=current, new=password)
        current = password
    assert PasswordHistory.objects.filter(user=handler).count() == 5
    for reused in chosen[1:]:  # the last five, the current one included
        assert "may not be one of your last 5 passwords" in refusal(reused, handler)
    validate_password(chosen[0], handler)  # the sixth back is free again


# --- forced changes: expiry, new accounts, resets --------------------------------------------


def test_a_password_older_than_the_maximum_age_must_be_changed_first(client, handler, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    AccountState.objects.create(user=handler, password_changed_at=timezone.now() - dt.timedelta(days=91))
    log_in(client, "handler")
    response = client.get("/items/")
    assert response.status_code == 302 and response["Location"].startswith(f"{CHANGE}?next=")
    api = client.get("/api/v1/items/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    assert client.get(CHANGE).status_code == 200
    assert change(client, PW, GOOD).status_code == 302
    assert client.get("/items/").status_code == 200


def test_a_password_younger_than_the_maximum_age_or_no_maximum_lets_the_login_in(client, handler, settings):
    AccountState.objects.create(user=handler, password_changed_at=timezone.now() - dt.timedelta(days=89))
    log_in(client, "handler")
    assert client.get("/items/").status_code == 200
    settings.PASSWORD_MAX_AGE_DAYS = 0
    AccountState.objects.filter(user=handler).update(password_changed_at=timezone.now() - dt.timedelta(days=900))
    other = type(client)()
    log_in(other, "handler")
    assert other.get("/items/").status_code == 200


def test_a_person_added_by_the_office_changes_the_first_password_at_first_login(client, office, district, unit):
    membership = staffing.add_person(
        actor=office,
        now=timezone.now(),
        district=district,
        role=Role.HANDLER,
        unit=unit,
        full_name="新承办人",
        username="newcomer",
        password="First-Pass-88",
    )
    assert AccountState.objects.get(user=membership.user).must_change_password
    response = log_in(client, "newcomer", "First-Pass-88")
    assert client.get(response["Location"])["Location"].startswith(CHANGE)
    assert change(client, "First-Pass-88", "Own-Choice-99").status_code == 302
    assert not AccountState.objects.get(user=membership.user).must_change_password
    assert client.get("/").status_code == 200


def test_a_user_added_in_the_admin_must_change_the_password(client, db):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post(
        reverse("admin:districts_user_add"),
        {
            "username": "clerk",
            "full_name": "新人",
            "usable_password": "true",
            "password1": GOOD,
            "password2": GOOD,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    assert AccountState.objects.get(user__username="clerk").must_change_password


def test_factory_users_are_not_forced_to_change(client, handler):
    log_in(client, "handler")
    assert client.get("/items/").status_code == 200
    assert not AccountState.objects.filter(user=handler).exists()


def _reset(client, membership):
    return client.post(reverse("people:reset_password", args=[membership.pk]))


def test_the_office_resets_a_handler_to_a_one_time_password_shown_once(client, office, handler):
    membership = Membership.objects.get(user=handler)
    client.force_login(office)
    response = _reset(client, membership)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:one_time_password")
    page = client.get(response["Location"]).text
    one_time = page.split('<p class="otp-key"><code>')[1].split("</code>")[0]
    assert len(one_time) == 12
    assert one_time not in client.get(reverse("accounts:one_time_password")).text  # shown once
    handler.refresh_from_db()
    assert not handler.check_password(PW) and handler.check_password(one_time)
    person = type(client)()
    log_in(person, "handler", one_time)
    assert person.get("/items/")["Location"].startswith(CHANGE)


def test_the_office_of_another_district_cannot_reset_a_handler(client, outsider, handler):
    client.force_login(outsider)
    assert _reset(client, Membership.objects.get(user=handler)).status_code == 404
    handler.refresh_from_db()
    assert handler.check_password(PW)


def test_the_office_does_not_reset_its_leaders_or_a_login_working_elsewhere(office, leader, handler, other_district):
    with pytest.raises(staffing.NotAllowed):
        staffing.reset_password(actor=office, now=timezone.now(), membership=Membership.objects.get(user=leader))
    MembershipFactory(user=handler, role=Role.OFFICE, district=other_district)
    with pytest.raises(staffing.NotAllowed):
        staffing.reset_password(
            actor=office, now=timezone.now(), membership=Membership.objects.get(user=handler, role=Role.HANDLER)
        )


def test_a_handler_cannot_reset_anyone(client, handler, head):
    client.force_login(handler)
    assert _reset(client, Membership.objects.get(user=head)).status_code in (403, 404)


def test_an_admin_resets_any_password_and_others_may_not(client, handler, office):
    client.force_login(office)
    assert client.get(reverse("accounts:admin_reset", args=[handler.pk])).status_code == 403
    assert client.post(reverse("accounts:admin_reset", args=[handler.pk])).status_code == 403
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post(reverse("accounts:admin_reset", args=[handler.pk]))
    assert response["Location"] == reverse("accounts:one_time_password")
    assert AccountState.objects.get(user=handler).must_change_password


def test_a_change_and_a_reset_each_write_one_audit_row_naming_who(client, office, handler):
    client.force_login(handler)
    change(client, PW, GOOD)
    changed = AuditEntry.objects.filter(action=Action.PASSWORD_CHANGED, object_id=str(handler.pk))
    assert [(e.user_id, e.outcome) for e in changed] == [(handler.pk, "ok")]
    client.force_login(office)
    _reset(client, Membership.objects.get(user=handler))
    reset = AuditEntry.objects.filter(action=Action.PASSWORD_RESET, object_id=str(handler.pk))
    assert [e.user_id for e in reset] == [office.pk]
    one_time = client.session["accounts.one_time_password"]["password"]
    assert one_time not in str(reset[0].details)  # never the one-time password itself


# --- the second factor ------------------------------------------------------------------------


@pytest.fixture
def root(db, settings):
    settings.ADMIN_REQUIRES_OTP = True
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_admin_site_asks_for_the_second_factor(client, root):
    log_in(client, "root")
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:enrol"))
    assert "<svg" in response.text and "otp-key" in response.text
    assert client.get("/admin/districts/user/").status_code == 302


def test_the_admin_site_opens_after_the_authenticator_is_enrolled_and_its_code_given(client, root):
    log_in(client, "root")
    client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=root, confirmed=False)
    start = timezone.now()
    assert client.post(reverse("accounts:enrol"), {"token": "000000", "next": "/admin/"}).status_code == 400
    with time_machine.travel(start + dt.timedelta(seconds=5), tick=False):  # past the throttle of a wrong code
        response = client.post(reverse("accounts:enrol"), {"token": code_of(device), "next": "/admin/"})
        assert response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # The next login asks for the code again, on the verify page.
    fresh = type(client)()
    log_in(fresh, "root")
    response = fresh.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:verify"))
    with time_machine.travel(start + dt.timedelta(seconds=35), tick=False):
        assert fresh.post(reverse("accounts:verify"), {"token": "123456", "next": "/admin/"}).status_code == 400
    with time_machine.travel(start + dt.timedelta(seconds=45), tick=False):  # a later code than the enrolment's
        response = fresh.post(reverse("accounts:verify"), {"token": code_of(device), "next": "/admin/"})
        assert response["Location"] == "/admin/"
        assert fresh.get("/admin/").status_code == 200


def test_office_staff_need_the_second_factor_only_where_their_district_asks(client, office, outsider, district):
    DistrictSecurity.objects.create(district=district, office_requires_otp=True)
    log_in(client, "office")
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:verify"))
    assert client.get("/api/v1/items/").json()["code"] == "second_factor_required"
    other = type(client)()
    log_in(other, "outsider")
    assert other.get("/office/").status_code == 200


# --- spraying ---------------------------------------------------------------------------------


def test_one_password_sprayed_over_thirty_names_is_stopped_at_the_address_limit(client, db, settings):
    settings.LOGIN_RATE_PER_ADDRESS = "10/h"
    for n in range(30):
        UserFactory(username=f"user{n}")
    answers = [log_in(client, f"user{n}", "Spring2026!").status_code for n in range(30)]
    assert answers[:10] == [200] * 10  # the login form again: wrong password
    assert answers[10:] == [429] * 20
    client.cookies["django_language"] = "en"
    response = log_in(client, "user0", PW)
    assert response.status_code == 429 and "This account is locked" in response.text
    assert "_auth_user_id" not in client.session  # even the right password is refused from this address
    elsewhere = log_in(type(client)(), "user0", PW, REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 302  # another address is not held up


def test_the_admin_login_counts_against_the_same_limit(client, db, settings):
    settings.LOGIN_RATE_PER_ADDRESS = "3/h"
    answers = [log_in(client, f"user{n}", "Spring2026!").status_code for n in range(2)]
    answers += [client.post("/admin/login/", {"username": f"admin{n}", "password": "x"}).status_code for n in range(2)]
    assert answers == [200, 200, 200, 429]


def test_the_default_limit_leaves_room_for_an_office_sharing_one_address(settings):
    count, period = settings.LOGIN_RATE_PER_ADDRESS.split("/")
    assert int(count) >= 100 and period == "h"


# --- one's own account page ----------------------------------------------------------------


def test_the_account_page_says_when_the_password_becomes_too_old_and_whether_an_app_is_enrolled(
    client, handler, settings
):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    AccountState.objects.update_or_create(
        user=handler, defaults={"password_changed_at": dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)}
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)):
        client.force_login(handler)
        page = client.get(reverse("accounts:overview")).text
    assert "Changed on 2026-03-01." in page and "after 2026-05-30." in page
    assert "No authenticator app is enrolled." in page


def test_enrolling_a_new_phone_replaces_the_old_one(handler):
    old = secondfactor.enrolment_device(handler)
    secondfactor.confirm(old)
    new = secondfactor.enrolment_device(handler)
    secondfactor.confirm(new)
    assert secondfactor.confirmed_device(handler) == new
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()  # the lost phone's codes no longer log in
