import pytest
from django.utils.functional import empty

from proposals.models import private_storage


@pytest.fixture
def private_media(settings, tmp_path):
    """Attachments go to a temporary private root for the test (the storage reads it lazily)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
    yield settings.PRIVATE_MEDIA_ROOT
    private_storage._wrapped = empty
