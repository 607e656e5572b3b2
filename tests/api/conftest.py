"""The API's fixtures: a client speaking JSON, tokens, and a clean throttle for each test."""

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The login throttle counts in the cache: each test starts with none of another's attempts."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user(api):
    """`as_user(user)`: the client authenticated by a fresh token of `user`, as a script would be."""

    def log_in(user):
        _token, secret = AuthToken.objects.create(user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        return api

    return log_in
