"""Who reads an item's case file (一案一册): the district's archive, for its office and leaders.

The case file holds everything of the item at once (drafts and their approvals, every unit's
opinion, every proposer's feedback), so it goes only to those who read all of a district:
its office staff and district leaders, and administrators.
"""

from proposals.models import Item
from workflow.access import district_ids, is_admin


def case_file_items(user):
    """The items whose case file `user` may read."""
    if not user.is_authenticated:
        return Item.objects.none()
    if is_admin(user):
        return Item.objects.all()
    return Item.objects.filter(district_id__in=district_ids(user))


def reads_case_files(user) -> bool:
    return user.is_authenticated and (is_admin(user) or bool(district_ids(user)))
