"""The strict Content-Security-Policy breaks no page: each workspace's main pages load with no violation.

The policy allows no inline script or style (config/settings.py, `CONTENT_SECURITY_POLICY`); a
template or a script that needed one would show as a "Content Security Policy" message in the
browser's console. Screenshots go to $SHOTS/csp-*.png.
"""

import pytest

from districts.models import Role
from tests.factories import MembershipFactory, UserFactory

from .screens import log_in, shooter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

shoot = shooter("csp")


def pages(item):
    """Each login's main pages (None: not logged in)."""
    return {
        None: ["/login/", "/public/"],
        "office": [
            "/",
            "/items/",
            f"/items/{item.pk}/",
            "/items/import/",
            "/office/submissions/",
            "/reports/",
            "/api/docs/",
        ],
        "handler": ["/units/", f"/items/{item.pk}/", "/notifications/"],
        "head": ["/units/"],
        "leader": ["/", "/items/"],
        "member": ["/my/", "/my/submissions/"],
        "admin": ["/", "/reports/"],
        "security_admin": ["/admin/"],
    }


def test_every_workspace_loads_without_a_policy_violation(
    browser, server, item, assigned, office, handler, head, leader, proposer_user, city_admin
):
    MembershipFactory(user=UserFactory(username="security_admin"), role=Role.SECURITY_ADMIN, district=None)
    violations = []
    for username, urls in pages(item).items():
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.on(
            "console",
            lambda message, who=username, tab=page: (
                violations.append((who, tab.url, message.text)) if "Content Security Policy" in message.text else None
            ),
        )
        if username:
            log_in(page, server, username)
            page.wait_for_url(lambda url: "/login/" not in url)
        for url in urls:
            response = page.goto(f"{server.url}{url}")
            page.wait_for_load_state("networkidle")
            assert response.status < 400, (username, url, response.status)
            assert username is None or "/login/" not in page.url, (username, url)
            assert "default-src 'self'" in response.headers["content-security-policy"]
        shoot(page, username or "anonymous")
        context.close()
    assert violations == [], "\n".join(map(str, violations))


def test_a_blocked_inline_script_would_be_seen(browser, server):
    """The check itself: a page running an inline script under the policy does report a violation."""
    context = browser.new_context()
    page = context.new_page()
    seen = []
    page.on("console", lambda message: seen.append(message.text))
    page.goto(f"{server.url}/login/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"alert(1)\">')")
    page.wait_for_timeout(300)
    context.close()
    assert any("Content Security Policy" in text for text in seen)
