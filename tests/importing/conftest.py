import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _english():
    """Error texts are asserted by their English msgids; the Chinese catalogue is tested elsewhere."""
    with translation.override("en"):
        yield
