import pytest
from django.utils.functional import empty

from proposals.models import private_storage


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run with DEBUG off, so the HTTPS redirect is on; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    # ...and without collectstatic, so there is no manifest of hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def private_media(settings, tmp_path):
    """Attachments go to a temporary private root for the test (the storage reads it lazily)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
    yield settings.PRIVATE_MEDIA_ROOT
    private_storage._wrapped = empty
