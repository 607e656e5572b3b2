"""Puts the user's active roles in every template, for the role-aware navigation."""

from .selectors import active_memberships


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"memberships": [], "role_codes": set()}
    memberships = active_memberships(user)
    return {"memberships": memberships, "role_codes": {m.role for m in memberships}}
