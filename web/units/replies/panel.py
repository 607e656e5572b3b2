"""The lead unit's reply and follow-up on the item page (`web.items.panel`).

Only to the people of a lead unit that accepted the item (`permissions.unit_roles`, read with the
user), one set of acts per such unit, named after it when the user works for two. Which act applies
comes from the item's state and the replies the page already read (`assignment.visible_replies`);
only a followed-up item asks once whose closing report is due, the rule the service applies
(`Assignment.objects.closing_report_due`). The primary act is what the item waits for.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from proposals.models import Item
from web.items.panel import Act
from workflow.models import Assignment, Reply
from workflow.services.permissions import unit_roles


def _url(name, assignment):
    return reverse(f"replies:{name}", args=[assignment.pk])


def _round_reply(assignment, item, kind):
    """The reply of this kind the unit works on in the item's round: unsent first, else the sent one."""
    found = [
        r
        for r in getattr(assignment, "visible_replies", ())
        if r.round == item.round and r.kind == kind and r.state != Reply.State.SUPERSEDED
    ]
    found.sort(key=lambda r: r.state == Reply.State.SENT)
    return found[0] if found else None


def _current(assignment):
    """The latest round's sent reply (not a second reply): its category is the unit's outcome."""
    sent = [r for r in getattr(assignment, "visible_replies", ()) if r.state == Reply.State.SENT and r.kind == "reply"]
    return max(sent, key=lambda r: r.round) if sent else None


def _reply_acts(item, assignment, kind, primary, named):
    reply = _round_reply(assignment, item, kind)
    second = kind == Reply.Kind.SECOND
    url = _url("second_reply" if second else "reply", assignment)
    if reply is None:
        return [Act(named(_("Draft the second reply") if second else _("Draft the reply")), url, primary=primary)]
    if reply.state == Reply.State.DRAFT:
        return [
            Act(named(_("Edit the draft second reply") if second else _("Edit the draft reply")), url, primary=primary)
        ]
    if reply.state == Reply.State.SENT:
        return []
    return [Act(named(_("Where the second reply is") if second else _("Where the reply is")), url)]


def offers(user, item, assignments) -> list[Act]:
    mine = [
        a for a in assignments if a.is_lead and a.state == Assignment.State.ACCEPTED and unit_roles(user, a.unit_id)
    ]
    if not mine or item.state not in (Item.State.HANDLING, Item.State.REPLIED, Item.State.FOLLOWING_UP):
        return []
    waits_for = getattr(item, "waits_for", None)
    several = len(mine) > 1
    acts = []
    due = set()
    if item.state == Item.State.FOLLOWING_UP:
        due = set(
            Assignment.objects.filter(pk__in=[a.pk for a in mine]).closing_report_due().values_list("pk", flat=True)
        )
    for assignment in mine:

        def named(label, assignment=assignment):
            return f"{label} · {assignment.unit.name}" if several else label

        if item.state == Item.State.HANDLING:
            acts += _reply_acts(item, assignment, Reply.Kind.REPLY, waits_for == "reply", named)
            continue
        if assignment.pk in due:
            acts.append(Act(named(_("Send the closing report")), _url("closing_report", assignment), primary=True))
        current = _current(assignment)
        second_sent = any(
            r.kind == Reply.Kind.SECOND and r.state == Reply.State.SENT for r in assignment.visible_replies
        )
        if current is None or not current.category.stays_open or second_sent:
            continue
        acts.append(Act(named(_("Report progress")), _url("progress", assignment), primary=waits_for == "follow_up"))
        if item.state == Item.State.FOLLOWING_UP and not current.category.counts_as_resolved:
            acts += _reply_acts(item, assignment, Reply.Kind.SECOND, False, named)
    return acts
