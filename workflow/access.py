"""Who may do what by their roles: the one home of each access rule.

Every app asks here instead of reading memberships itself: who is an administrator, which
districts a user reads reports of or acts as the office in (and so imports into), who holds a
reply at each step of its approval chain, and who is told for a unit or a district's office.
Whether a user may see one object is the selectors' question (`workflow.selectors`), whether
they may act on it the services' (`workflow.services.permissions`); both build on these rules.
"""

from django.db.models import Q

from districts.models import UNIT_ROLES, District, Membership, Role
from districts.selectors import active_memberships

from .models import Reply

# The roles that see a whole district: its items, its replies in draft, its reports.
DISTRICT_ROLES = (Role.OFFICE, Role.LEADER)

# Who holds a reply at each step of its approval chain (domain §4 step 6): who approves it, signs it
# off or sends it, and may send it back. The codes are also what the item list says it waits on.
REPLY_HOLDERS = {
    Reply.State.AWAITING_HEAD: Role.UNIT_HEAD,
    Reply.State.AWAITING_LEADER: Role.LEADER,
    Reply.State.AWAITING_OFFICE: Role.OFFICE,
}


def is_admin(user) -> bool:
    """A city-level administrator: every district, every item, the office's every right.

    A business role, held through a membership: neither a superuser nor the system, security or
    audit administrators (三员分立) read items by what they are; they run the deployment in the admin.
    """
    return any(m.role == Role.CITY_ADMIN for m in active_memberships(user))


def district_ids(user, roles=DISTRICT_ROLES) -> set:
    """The districts where `user` holds one of `roles` through an active membership (an admin's not included)."""
    return {m.district_id for m in active_memberships(user) if m.role in roles}


def _districts(user, roles):
    if is_admin(user):
        return District.objects.filter(is_active=True)
    return District.objects.filter(pk__in=district_ids(user, roles))


def reads_reports(user) -> bool:
    """Office staff, district leaders and administrators read reports; other roles do not."""
    return is_admin(user) or bool(district_ids(user))


def report_districts(user):
    """The districts whose reports `user` reads: every active one for an admin, else those they see whole.

    A district no longer active keeps its reports for its own office staff and leaders.
    """
    return _districts(user, DISTRICT_ROLES)


def acts_as_office(user) -> bool:
    """Office staff of some district, or an administrator: who imports items and keeps the calendar in view."""
    return is_admin(user) or bool(district_ids(user, (Role.OFFICE,)))


def office_districts(user):
    """The active districts `user` acts as the office in (imports into): every one for an admin."""
    return _districts(user, (Role.OFFICE,)).filter(is_active=True)


def is_office(actor, district_id) -> bool:
    """Office staff of the district, an administrator, or the system (`actor=None`)."""
    return actor is None or is_admin(actor) or district_id in district_ids(actor, (Role.OFFICE,))


def held_replies(user):
    """Replies in the approval chain at a step `user` holds through a membership (`REPLY_HOLDERS`); None: no step.

    The office's step in their districts, a leader's for the units they are responsible for in
    theirs, the head's for their unit — a handler's too: what waits on the unit's head waits on
    the unit. An administrator may act as the office everywhere, but nothing waits on them in
    particular.
    """
    office, leads = district_ids(user, (Role.OFFICE,)), district_ids(user, (Role.LEADER,))
    units = {m.unit_id for m in active_memberships(user) if m.role in UNIT_ROLES}
    held = Q(pk__in=[])
    if office:
        held |= Q(state=Reply.State.AWAITING_OFFICE, assignment__item__district_id__in=office)
    if leads:
        held |= Q(
            state=Reply.State.AWAITING_LEADER,
            assignment__item__district_id__in=leads,
            assignment__unit__responsible_leader=user,
        )
    if units:
        held |= Q(state=Reply.State.AWAITING_HEAD, assignment__unit_id__in=units)
    return Reply.objects.filter(held) if office or leads or units else None


def people(*, unit_ids=(), district_ids=()):
    """{(role, unit or district id): [user ids]} of the active handlers and heads of `unit_ids` and the
    office staff of `district_ids`, in one query: who is told for a unit or a district's office.
    """
    found = {}
    rows = Membership.objects.filter(is_active=True, user__is_active=True).filter(
        Q(role__in=UNIT_ROLES, unit_id__in=unit_ids) | Q(role=Role.OFFICE, district_id__in=district_ids)
    )
    for role, unit_id, district_id, user_id in rows.values_list("role", "unit_id", "district_id", "user_id"):
        users = found.setdefault((role, district_id if role == Role.OFFICE else unit_id), [])
        if user_id not in users:
            users.append(user_id)
    return found


def unit_people(found, unit_id):
    """Who acts for the unit among `people(...)`: its handlers (办理联络员), or its head when it has none."""
    return found.get((Role.HANDLER, unit_id)) or found.get((Role.UNIT_HEAD, unit_id), [])


def unit_heads(found, unit_id):
    """The unit's head among `people(...)`: who an overdue unit is escalated to."""
    return found.get((Role.UNIT_HEAD, unit_id), [])


def office_people(found, district_id):
    """The district's office staff among `people(...)`."""
    return found.get((Role.OFFICE, district_id), [])
