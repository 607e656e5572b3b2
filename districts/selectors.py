"""Read paths for people and their roles."""

from .models import Membership


def active_memberships(user):
    """The user's active roles with their scope, in one query (cached on the user object)."""
    cached = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("district", "unit", "proposer")
            .order_by("role", "district__sort_order", "unit__sort_order")
        )
        user._active_memberships = cached
    return cached
