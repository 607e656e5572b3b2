"""What every browser walk does alike: log in as a person does, open a second person's browser, take screenshots.

Screenshots go to $SHOTS (default /tmp/shots) as `<prefix>-<name>-<size>.png`, one per size of
SIZES (a laptop and a phone), for a person to look at; each walk names its own prefix.
"""

import functools
import os
from pathlib import Path

SHOTS = Path(os.environ.get("SHOTS", "/tmp/shots"))  # noqa: S108 (where the team looks at screenshots)
SIZES = {"wide": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
PASSWORD = "pw-for-tests-only"  # tests/factories.UserFactory


def log_in(page, server, username, password=PASSWORD):
    page.goto(f"{server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


def as_another(browser, server, username):
    """A second person at their own browser, logged in and on their home page; close the context when done."""
    context = browser.new_context(locale="zh-CN", viewport=SIZES["wide"])
    other = context.new_page()
    log_in(other, server, username)
    other.wait_for_url(f"{server.url}/")
    return context, other


def shoot(page, name, *, prefix):
    """The page at each size, full length; the page is left at the wide size."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SHOTS / f"{prefix}-{name}-{size}.png"), full_page=True)
    page.set_viewport_size(SIZES["wide"])


def shooter(prefix):
    """`shoot` for one walk's screenshots: `shoot = shooter("approvals")`, then `shoot(page, "head-queue")`."""
    return functools.partial(shoot, prefix=prefix)
