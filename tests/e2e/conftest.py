"""A real browser (Debian's Chromium driven by Playwright) against the live test server."""

import os
import shutil

import pytest
from django.test import override_settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    # Playwright keeps an event loop in this thread for the whole session; the test's own
    # ORM calls (fixtures, flushes) stay synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(scope="session")
def server(live_server):
    """The live server over plain HTTP, serving static files from the finders (no collectstatic)."""
    return live_server


@pytest.fixture(scope="session", autouse=True)
def _plain_http_and_static():
    # Session-wide because the live server loads its middleware once, before any test's settings.
    override = override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        WHITENOISE_AUTOREFRESH=True,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture
def page(browser):
    # An English-speaking browser: the product must still answer in Chinese.
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    yield page
    context.close()
