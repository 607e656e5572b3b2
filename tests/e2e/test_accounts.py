"""Accounts in a browser: a new login chooses its password first; the office resets one; the admin asks a code."""

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from districts.models import Membership, Role
from tests.factories import UserFactory
from workflow.services import staffing

from .screens import log_in, shooter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
shoot = shooter("accounts")


def _change_password(page, current, new):
    page.fill("input[name=old_password]", current)
    page.fill("input[name=new_password1]", new)
    page.fill("input[name=new_password2]", new)
    page.click("main form button[type=submit]")


def test_a_new_account_must_change_its_password_at_first_login(page, server, district, unit, office):
    staffing.add_person(
        actor=office,
        now=timezone.now(),
        district=district,
        role=Role.HANDLER,
        unit=unit,
        full_name="李联络",
        username="li.handler",
        password="First-Pass-2026",
    )
    log_in(page, server, "li.handler", "First-Pass-2026")
    page.wait_for_url("**/account/password/?next=*")
    assert page.locator("main [role=alert]").count() == 1  # why the change comes first
    page.goto(f"{server.url}/items/")  # nothing else opens before the change
    page.wait_for_url("**/account/password/?next=*")
    _change_password(page, "First-Pass-2026", "li.handler-2027")  # contains the login name
    assert page.locator(".field-new_password1 .field-error").count() >= 1  # refused beside the field
    shoot(page, "forced-change-refused")
    _change_password(page, "First-Pass-2026", "Own-Choice-2027")
    page.wait_for_url(f"{server.url}/items/")
    assert "李联络" in page.locator(".whoami").inner_text()
    assert page.locator("ul.messages").count() == 1


def test_the_office_resets_a_handler_who_then_chooses_a_new_password(page, browser, server, office, handler):
    membership = Membership.objects.get(user=handler)
    log_in(page, server, "office")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/office/people/{membership.pk}/")
    page.click(f"form[action='/office/people/{membership.pk}/reset-password/'] button")
    page.wait_for_url("**/account/reset/done/")
    one_time = page.locator("p.otp-key code").inner_text()
    shoot(page, "one-time-password")
    context = browser.new_context(locale="zh-CN")
    other = context.new_page()
    log_in(other, server, "handler", one_time)
    other.wait_for_url("**/account/password/?next=*")
    _change_password(other, one_time, "Qiang-Mima-2027")
    other.wait_for_url(f"{server.url}/")
    context.close()


def test_the_admin_site_asks_for_the_second_factor(page, server, settings):
    settings.ADMIN_REQUIRES_OTP = True
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page.goto(f"{server.url}/admin/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url("**/account/two-factor/?next=*")
    assert page.locator("figure.otp-qr svg").count() == 1
    shoot(page, "enrol")
    device = TOTPDevice.objects.get(user__username="root", confirmed=False)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("input[name=token]", f"{code:06d}")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{server.url}/admin/")
    assert page.locator("#site-name").count() == 1
