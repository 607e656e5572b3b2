"""One cell of the matrix: a role asks a URL by session or API token; the answer in one word."""

import uuid

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from .matrix_patterns import ADMIN_PREFIX

API_PREFIX = "api/v1/"


def url_of(key, route, kwargs):
    """The path to ask: reversed by name, or the route itself for an unnamed pattern (none takes arguments)."""
    return "/" + route if key == route else reverse(key, kwargs=kwargs)


def client_for(world, role, route):
    """A fresh client: a POST (to log out, say) leaves nothing for the next cell; the GETs of one role share one."""
    client = Client()
    user = world.users.get(role)
    if user is None:
        return client, {}
    if route.startswith(API_PREFIX):
        return client, {"HTTP_AUTHORIZATION": f"Token {world.tokens[role]}"}
    client.force_login(user)
    return client, {}


def outcome(response):
    """The answer as the table writes it: the status, or `login` for a redirect to a login page."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith((resolve_url(settings.LOGIN_URL), "/" + ADMIN_PREFIX + "login/")):
            return "login"
    return str(response.status_code)


def ask(world, key, route, kwargs, role, method="get", client=None):
    """One request; `client` (from `client_for`) is reused for a role's GETs."""
    client, headers = client or client_for(world, role, route)
    url = url_of(key, route, kwargs)
    if method == "get":
        return client.get(url, **headers)
    # With a fresh one-time token, as the page's form posts: what is refused is the role or scope, not a replay.
    return client.post(url, {"submit_token": str(uuid.uuid4())}, **headers)
