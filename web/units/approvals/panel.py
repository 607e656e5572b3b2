"""The approvers' acts on the item page (`web.items.panel`): review, sign off, instruct.

From what the page already read (the assignments with the replies the reader sees, the item's
key mark and leader) and the reader's loaded roles, without a query of its own. Who holds a reply
is `access.REPLY_HOLDERS` as the services check it (`permissions.require_reply_holder`); the act's
own page still asks the service.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from districts.models import Role
from web.items.panel import Act
from workflow.access import district_ids
from workflow.models import Reply
from workflow.services.instructions import ENDED_STATES
from workflow.services.permissions import unit_roles


def _holds(user, item, assignment, reply, leads) -> bool:
    if reply.state == Reply.State.AWAITING_HEAD:
        return Role.UNIT_HEAD in unit_roles(user, assignment.unit_id)
    if reply.state == Reply.State.AWAITING_LEADER:
        return leads and assignment.unit.responsible_leader_id == user.pk
    return False


def offers(user, item, assignments) -> list[Act]:
    leads = item.district_id in district_ids(user, (Role.LEADER,))
    acts = []
    for assignment in assignments:
        for reply in getattr(assignment, "visible_replies", ()):
            if not _holds(user, item, assignment, reply, leads):
                continue
            unit = {"unit": assignment.unit}
            if reply.state == Reply.State.AWAITING_HEAD:
                url = reverse("approvals:head_review", args=[reply.pk])
                acts.append(Act(_("Review the reply of %(unit)s") % unit, url, primary=True))
            else:
                url = reverse("approvals:leader_review", args=[reply.pk])
                acts.append(Act(_("Sign off the reply of %(unit)s") % unit, url, primary=True))
    if leads and item.is_key and item.supervising_leader_id == user.pk and item.state not in ENDED_STATES:
        acts.append(Act(_("Give an instruction"), reverse("approvals:instruction", args=[item.pk])))
    return acts
