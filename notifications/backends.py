"""SMS backends: a small interface so a district can plug in the gateway it has a contract with.

A backend has `send(phone, template, params, text)`; it returns normally when the gateway
accepted the message and raises `SMSError` otherwise. `template` is the id of a template
approved at the gateway and `params` fills its variables; `text` is the same message
rendered locally, for logs and for gateways that take free text. `settings.SMS_BACKEND`
names the class; empty, the site has no SMS (`sms_configured`).
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SMSError(Exception):
    """The gateway refused the message or could not be reached."""


class ConsoleSMSBackend:
    """Development: writes the message to the log instead of sending it."""

    def send(self, phone, template, params, text):
        logger.info("SMS to %s template=%s params=%s: %s", phone, template, params, text)


class HTTPGatewaySMSBackend:
    """POSTs JSON `{phone, template, params}` to `SMS_GATEWAY_URL` with `SMS_GATEWAY_KEY` as bearer token.

    Most Chinese gateways (and the adapters in front of them) take this shape; another one
    needs a subclass overriding `payload` and `check`.
    """

    timeout = 10

    def __init__(self):
        self.url = settings.SMS_GATEWAY_URL
        self.key = settings.SMS_GATEWAY_KEY

    def payload(self, phone, template, params, text):
        return {"phone": phone, "template": template, "params": params}

    def check(self, status, body):
        if not 200 <= status < 300:
            raise SMSError(f"gateway answered {status}: {body[:200]}")

    def send(self, phone, template, params, text):
        data = json.dumps(self.payload(phone, template, params, text), ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting, checked at start-up
            self.url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                self.check(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as exc:
            self.check(exc.code, exc.read().decode("utf-8", "replace"))
        except (urllib.error.URLError, TimeoutError) as exc:
            raise SMSError(f"gateway unreachable: {exc}") from exc


def sms_configured() -> bool:
    """Whether the site sends SMS at all: without a backend users get no SMS rows, and a resident's text is
    recorded as `unsendable` (there is no other way to reach them)."""
    return bool(settings.SMS_BACKEND)


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()
