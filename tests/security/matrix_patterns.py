"""Every URL pattern the site answers, walked from the root resolver; the check that the table lists exactly them."""

from django.urls import URLPattern, URLResolver, get_resolver

ADMIN_PREFIX = "admin/"  # Django's admin site: one rule for all its patterns (see `matrix_table.ADMIN_RULE`)


def key_of(route, name):
    """The table's key of a pattern: its namespaced name, or its route when it has none (two patterns share no key)."""
    return name or route


def walk(resolver=None, prefix="", namespace=""):
    """(key, route) of every pattern under `resolver`, includes followed, in the order Django tries them."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield key_of(route, name), route


def site_patterns(resolver=None):
    """The project's own patterns (key -> route) and the admin site's routes, apart."""
    own, admin = {}, []
    for key, route in walk(resolver):
        if route.startswith(ADMIN_PREFIX):
            admin.append(route)
        else:
            own[key] = route
    return own, admin


def unlisted(table, resolver=None):
    """What the table misses and what it lists that no longer exists: both must be empty."""
    own, _admin = site_patterns(resolver)
    return sorted(set(own) - set(table)), sorted(set(table) - set(own))
