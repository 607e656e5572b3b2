"""`check --deploy` names the settings under which reminders would silently not reach anyone."""

import pytest
from django.core.checks import run_checks

PRODUCTION = {
    "SMS_BACKEND": "notifications.backends.HTTPGatewaySMSBackend",
    "SMS_GATEWAY_URL": "https://sms.example.org/send",
    "REDIS_URL": "redis://redis:6379/0",
    "SITE_URL": "https://jianyi.example.org",
    "EMAIL_HOST_USER": "noreply",
    "EMAIL_USE_TLS": True,
}


def ours(settings, **changes):
    for name, value in {**PRODUCTION, **changes}.items():
        setattr(settings, name, value)
    return sorted(m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("jianyi."))


def test_a_production_configuration_passes(settings):
    assert ours(settings) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"SMS_BACKEND": "notifications.backends.ConsoleSMSBackend"}, "jianyi.W001"),
        ({"REDIS_URL": ""}, "jianyi.W002"),
        ({"SITE_URL": "http://127.0.0.1:8000"}, "jianyi.W003"),
        ({"SITE_URL": "http://jianyi.example.org"}, "jianyi.W003"),
        ({"EMAIL_USE_TLS": False}, "jianyi.W004"),
    ],
)
def test_each_silent_failure_is_named(settings, changes, expected):
    assert ours(settings, **changes) == [expected]


def test_the_checks_stay_quiet_outside_deploy_checks(settings):
    ours(settings)
    settings.SMS_BACKEND = "notifications.backends.ConsoleSMSBackend"
    assert not [m for m in run_checks() if m.id.startswith("jianyi.")]
