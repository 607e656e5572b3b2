"""The office clerk adds a unit with its leader and its handler, and gives a member a login; each then logs in."""

import pytest

from districts.models import HandlingUnit, Membership
from tests.factories import ProposerFactory

from .screens import log_in, shooter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
shoot = shooter("people")


def test_the_office_adds_a_unit_and_its_handler_who_then_logs_in(page, server, district, unit, office, leader):
    log_in(page, server, "office")
    page.wait_for_load_state()
    page.click("nav.mainnav a[href='/office/units/']")
    page.click("a[href^='/office/units/new/']")
    page.fill("input[name=name]", "区民政局")
    page.fill("input[name=short_name]", "民政局")
    page.select_option("select[name=responsible_leader]", str(leader.pk))
    page.click("form.people-form button[type=submit]")
    page.wait_for_url(f"{server.url}/office/units/?district={district.pk}")
    new_unit = HandlingUnit.objects.get(name="区民政局")
    assert new_unit.responsible_leader == leader
    row = page.locator("tr", has_text="区民政局")
    assert "分管副区长" in row.inner_text()

    row.locator("a[href*='/office/people/new/']").click()
    assert page.locator("select[name=unit]").input_value() == str(new_unit.pk)
    page.fill("input[name=full_name]", "李联络")
    page.select_option("select[name=role]", "handler")
    page.fill("input[name=phone]", "13900000000")
    page.fill("input[name=username]", "li.handler")
    page.fill("input[name=password]", "Qiang-mima-2026!")
    page.click("form.people-form button[type=submit]")
    page.wait_for_url("**/office/people/*/")
    assert "li.handler" in page.locator("ul.messages").inner_text()
    assert Membership.objects.get(user__username="li.handler").unit == new_unit
    page.goto(f"{server.url}/office/units/")
    assert "李联络" in page.locator("tr", has_text="区民政局").inner_text()
    shoot(page, "office-units")

    # The new handler's first login: the password the office chose must be changed first.
    page.click("form.logout button")
    log_in(page, server, "li.handler", "Qiang-mima-2026!")
    page.wait_for_url("**/account/password/?next=*")
    shoot(page, "first-login-change")
    page.fill("input[name=old_password]", "Qiang-mima-2026!")
    page.fill("input[name=new_password1]", "Own-Choice-2027")
    page.fill("input[name=new_password2]", "Own-Choice-2027")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    assert "李联络" in page.locator(".whoami").inner_text()


def test_the_office_gives_a_member_a_login_who_then_finds_her_account(page, server, district, office):
    member = ProposerFactory(district=district, name="王委员", constituency="经济界")
    log_in(page, server, "office")
    page.wait_for_load_state()
    page.click("nav.mainnav a[href='/office/units/']")
    page.click("nav.people-tabs a[href^='/office/proposers/']")
    page.fill("input[name=q]", "王委")
    page.click("form.people-filter button")
    row = page.locator("tr", has_text="王委员")
    assert "经济界" in row.inner_text()
    shoot(page, "proposers")
    row.locator(f"a[href='/office/proposers/{member.pk}/login/']").click()
    page.fill("input[name=username]", "wang.weiyuan")
    page.fill("input[name=password]", "Qiang-mima-2026!")
    page.click("form.people-form button[type=submit]")
    page.wait_for_url("**/office/people/*/")
    assert "wang.weiyuan" in page.locator("ul.messages").inner_text()
    assert Membership.objects.get(user__username="wang.weiyuan").proposer == member

    # Her first login changes the office's password; her name in the top bar opens her account.
    page.click("form.logout button")
    log_in(page, server, "wang.weiyuan", "Qiang-mima-2026!")
    page.wait_for_url("**/account/password/?next=*")
    page.fill("input[name=old_password]", "Qiang-mima-2026!")
    page.fill("input[name=new_password1]", "Own-Choice-2027")
    page.fill("input[name=new_password2]", "Own-Choice-2027")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    page.click("a.whoami")
    page.wait_for_url(f"{server.url}/account/")
    assert "王委员" in page.locator("main").inner_text()
    assert page.locator("a[href='/account/password/']").count() == 1
    shoot(page, "member-account")
