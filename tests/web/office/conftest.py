"""What the office's screen tests share: an office clerk's browser, in English so the assertions read the msgids."""

import pytest
from django.conf import settings


@pytest.fixture
def as_office(client, office):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office)
    return client
