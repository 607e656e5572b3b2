"""What a user may see: the one definition every list, detail view, export and API uses.

Objects outside a user's scope are simply absent from these querysets, so views answer
"not found" rather than "forbidden" and nothing leaks.
"""

from django.db.models import Q

from districts.models import UNIT_ROLES, Role
from districts.selectors import active_memberships
from proposals.models import Attachment, Item

from .models import Assignment


def item_scope(user) -> Q | None:
    """A filter on Item for everything `user` may see; None means nothing at all."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    scope = Q(pk__in=[])
    any_role = False
    for m in active_memberships(user):
        any_role = True
        if m.role == Role.CITY_ADMIN:
            return Q()
        if m.role in (Role.OFFICE, Role.LEADER):
            scope |= Q(district_id=m.district_id)
        elif m.role in UNIT_ROLES:
            scope |= Q(
                pk__in=Assignment.objects.filter(unit_id=m.unit_id)
                .exclude(state=Assignment.State.RETURNED)
                .values("item_id")
            )
        elif m.role == Role.PROPOSER:
            # A merged item's proposers receive the target's reply, so they see the target too.
            scope |= Q(item_proposers__proposer_id=m.proposer_id) | Q(
                merged_items__item_proposers__proposer_id=m.proposer_id
            )
    return scope if any_role else None


def visible_items(user):
    scope = item_scope(user)
    if scope is None:
        return Item.objects.none()
    return Item.objects.filter(scope).distinct() if scope else Item.objects.all()


def visible_attachments(user):
    return Attachment.objects.filter(item__in=visible_items(user).values("pk"))
