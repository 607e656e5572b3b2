"""Deploy checks (`manage.py check --deploy`): settings that work on a laptop but fail people in production.

Reminders are the product's promise; each check names a way they would silently not arrive.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

CONSOLE_SMS = "notifications.backends.ConsoleSMSBackend"


@register(Tags.security, deploy=True)
def notification_settings_check(app_configs, **kwargs):
    problems = []
    if settings.SMS_BACKEND == CONSOLE_SMS:
        problems.append(
            Warning(
                "SMS_BACKEND is the console backend: text messages are marked sent but never leave, "
                "and phone numbers and texts go to the log.",
                hint="Set SMS_BACKEND=notifications.backends.HTTPGatewaySMSBackend with SMS_GATEWAY_URL.",
                id="jianyi.W001",
            )
        )
    if not settings.REDIS_URL:
        problems.append(
            Warning(
                "REDIS_URL is not set: tasks run inside web requests and no beat runs, so no reminder is ever sent.",
                hint="Set REDIS_URL and run a Celery worker and beat (docker-compose.yml shows how).",
                id="jianyi.W002",
            )
        )
    site = urlsplit(settings.SITE_URL)
    if site.scheme != "https" or site.hostname in ("localhost", "127.0.0.1", "::1"):
        problems.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: the links in emails and text messages must be the public "
                "https address people open.",
                hint="Set SITE_URL to the site's https address.",
                id="jianyi.W003",
            )
        )
    if settings.EMAIL_HOST_USER and not (settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL):
        problems.append(
            Warning(
                "EMAIL_HOST_USER is set without EMAIL_USE_TLS or EMAIL_USE_SSL: the mail password crosses the "
                "network in clear text.",
                hint="Set EMAIL_USE_TLS=1 (port 587) or EMAIL_USE_SSL=1 (port 465).",
                id="jianyi.W004",
            )
        )
    return problems
