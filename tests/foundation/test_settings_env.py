"""Settings come from the environment: a bad value stops start-up naming the variable,
and a production environment with only DEBUG=0, SECRET_KEY and ALLOWED_HOSTS passes the deploy check.

Each case starts a fresh Python process, since settings are read once at start-up.
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# The variables settings.py reads that a developer's or CI's environment may hold.
PROJECT_VARIABLES = {
    "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REQUIRE_SERVICES", "LANGUAGE_CODE",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set while the browser tests' Playwright session is open
}  # fmt: skip
SECRET = "tests-only-secret-key-not-for-any-deployment-0123456789"


def run(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load_settings(**env):
    return run("-c", "import django; django.setup()", **env)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("REDIS_URL", "http://x"),
        ("DATABASE_URL", "nonsense"),
        ("AXES_FAILURE_LIMIT", "five"),
        ("SESSION_IDLE_TIMEOUT_MINUTES", "half an hour"),
        ("SECURE_SSL_REDIRECT", "sometimes"),
        ("LANGUAGE_CODE", "fr"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    result = load_settings(SECRET_KEY=SECRET, **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


def test_production_without_a_secret_key_does_not_start():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_good_values_are_read():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.SESSION_IDLE_TIMEOUT_MINUTES, s.ATTACHMENT_MAX_BYTES)"
    )
    result = run(
        "-c",
        code,
        SECRET_KEY=SECRET,
        DEBUG="yes",
        ALLOWED_HOSTS="a.example, b.example",
        DATABASE_URL="postgres://u:p@db:5432/jianyi",
        REDIS_URL="redis://redis:6379/0",
        SESSION_IDLE_TIMEOUT_MINUTES="15",
        ATTACHMENT_MAX_MB="5",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "True ['a.example', 'b.example'] django.db.backends.postgresql False 15 5242880"
    )


def test_trusted_proxies_make_lockouts_read_the_forwarded_address():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_PROXY_ORDER, s.AXES_IPWARE_META_PRECEDENCE_ORDER[0])"
    )
    result = run("-c", code, SECRET_KEY=SECRET, DEBUG="1", TRUSTED_PROXY_COUNT="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "1 right-most HTTP_X_FORWARDED_FOR"


def test_the_deploy_check_passes_a_production_configuration_and_names_what_a_bare_one_lacks():
    bare = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "jianyi.example.gov.cn"}
    production = {
        "SITE_URL": "https://jianyi.example.gov.cn",
        "REDIS_URL": "redis://redis:6379/0",
        "SMS_BACKEND": "notifications.backends.HTTPGatewaySMSBackend",
        "SMS_GATEWAY_URL": "https://sms.example.gov.cn/send",
    }
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **bare, **production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **bare)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert all(code in output for code in ("jianyi.W001", "jianyi.W002", "jianyi.W003")), output


def test_the_deploy_check_fails_when_secure_cookies_are_turned_off():
    result = run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="jianyi.example.gov.cn",
        SESSION_COOKIE_SECURE="0",
    )
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout
