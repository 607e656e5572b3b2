"""How often one address may do something: the one counter every page without a login shares.

django-ratelimit counts in the cache, keyed by the client's address as `RATELIMIT_IP_META_KEY`
reads it behind the deployment's proxies; production gives it a shared cache (Redis) so that
every worker counts together. Each caller decides what "too often" looks like to its user: the
portal answers its 429 page, a form keeps what was typed and says when to try again.
"""

from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited


def too_often(request, *, group: str, rate: str, method=ALL) -> bool:
    """Count this request against `group` for its address; True once the address is past `rate`."""
    return is_ratelimited(request, group=group, key="ip", rate=rate, method=method, increment=True)
