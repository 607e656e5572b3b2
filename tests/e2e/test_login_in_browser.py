import pytest

from districts.models import Role

from ..factories import MembershipFactory, UserFactory
from .screens import log_in

# serialized_rollback puts the seeded schemes and holidays back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_login_page_is_chinese_even_for_an_english_browser(page, server):
    page.goto(f"{server.url}/")
    assert page.url.startswith(f"{server.url}/login/")
    assert page.locator("h1").inner_text() == "登录"
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_an_office_clerk_logs_in_and_lands_on_a_page_naming_the_role(page, server, district):
    user = UserFactory(username="clerk", full_name="王科员")
    MembershipFactory(user=user, role=Role.OFFICE, district=district)
    log_in(page, server, "clerk")
    page.wait_for_url(f"{server.url}/")
    role_card = page.locator("[data-role=office]")
    assert "区府办" in role_card.inner_text() or "办公室" in role_card.inner_text()
    assert "闵行区" in role_card.inner_text()


def test_a_wrong_password_keeps_the_user_on_the_login_page_with_an_error(page, server, district):
    UserFactory(username="clerk")
    log_in(page, server, "clerk", password="wrong-password")
    assert page.url.startswith(f"{server.url}/login/")
    assert page.locator("[role=alert]").is_visible()


def test_switching_to_english_changes_the_page_language(page, server):
    page.goto(f"{server.url}/login/")
    page.select_option("select[name=language]", "en")
    page.click("form.lang-switch button[type=submit]")
    page.wait_for_function("document.querySelector('h1').innerText === 'Log in'")
    assert page.locator("html").get_attribute("lang") == "en"
