"""The access matrix's world, built once for the module and rolled back after it."""

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils.functional import empty

from proposals.models import private_storage

from .matrix_world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every test of the module reads it inside its own savepoint; nothing of it outlives the module."""
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "matrix-world"}}
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    private = tmp_path_factory.mktemp("private")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, CACHES=locmem, PRIVATE_MEDIA_ROOT=private),
    ):
        private_storage._wrapped = empty
        with transaction.atomic():
            built = build_world()
            yield built
            transaction.set_rollback(True)
        private_storage._wrapped = empty
