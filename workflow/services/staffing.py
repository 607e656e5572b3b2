"""The district's units and people (区府办 keeps them, domain §2): units, and who works for them in which role.

The office adds and renames its units, names each unit's responsible district leader (分管领导:
without one, a reply needing the leader's sign-off waits for nobody), and adds, deactivates or
moves its handlers, unit heads, leaders and clerks, with the phone and email their reminders go
to. Every change is saved through the model with the actor as its history user, so the history
tables say who made it, whichever entry point called.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import passwords
from districts.models import UNIT_ROLES, HandlingUnit, Membership, Proposer, Role
from proposals.models import Item

from ..access import is_office
from ..errors import NotAllowed, NotFound, WorkflowError
from ..models import Assignment

# The roles the office gives its staff (a proposer's login: `give_proposer_login`; a city admin's: the city).
STAFF_ROLES = (Role.OFFICE, Role.LEADER, Role.UNIT_HEAD, Role.HANDLER)
UNIT_FIELDS = ("name", "short_name", "kind", "sort_order", "responsible_leader", "is_active")
CONTACT_FIELDS = ("full_name", "phone", "email")
# While an item is in one of these states, its units' assignments are work in progress.
OPEN_ITEM_STATES = (Item.State.HANDLING, Item.State.REPLIED, Item.State.FOLLOWING_UP)


def _require_office(actor, district_id):
    if not is_office(actor, district_id):
        raise NotAllowed(_("Only the district office may change its units and people."))


def _save(obj, actor, **kwargs):
    obj._history_user = actor  # simple-history: who made the change, from any entry point
    obj.save(**kwargs)


def _check_leader(district_id, leader):
    if leader is None:
        return
    if not Membership.objects.filter(
        user=leader, role=Role.LEADER, district_id=district_id, is_active=True, user__is_active=True
    ).exists():
        raise WorkflowError(
            _("%(person)s is not an active leader of this district.") % {"person": leader},
            code="not_leader",
            field="responsible_leader",
        )


def _check_unit(district_id, role, unit):
    if role in UNIT_ROLES:
        if unit is None:
            raise WorkflowError(_("Choose the unit this person works for."), code="unit_missing", field="unit")
        if unit.district_id != district_id or not unit.is_active:
            raise WorkflowError(
                _("%(unit)s is not an active unit of this district.") % {"unit": unit},
                code="unit_foreign",
                field="unit",
            )
    elif unit is not None:
        raise WorkflowError(_("Only handlers and unit heads belong to a unit."), code="unit_extra", field="unit")


def _unique_name(save, name):
    try:
        with transaction.atomic():
            save()
    except IntegrityError:
        raise WorkflowError(
            _("The district already has a unit named %(name)s.") % {"name": name}, code="duplicate", field="name"
        ) from None


def add_unit(*, actor, now, district, name, short_name="", kind=HandlingUnit.Kind.BUREAU, sort_order=0,
             responsible_leader=None) -> HandlingUnit:  # fmt: skip
    """A new handling unit of `district`."""
    _require_office(actor, district.pk)
    if not (name or "").strip():
        raise WorkflowError(_("A unit needs a name."), code="name_missing", field="name")
    _check_leader(district.pk, responsible_leader)
    unit = HandlingUnit(
        district=district,
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        sort_order=sort_order,
        responsible_leader=responsible_leader,
    )
    with transaction.atomic():
        _unique_name(lambda: _save(unit, actor), unit.name)
    return unit


def change_unit(*, actor, now, unit, **changes) -> HandlingUnit:
    """Rename a unit, change its kind, order or responsible leader, or (de)activate it.

    A unit still holding open assignments cannot be deactivated: its work would be handled by nobody.
    """
    _require_office(actor, unit.district_id)
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"change_unit() got unexpected fields {sorted(unknown)}")
    if "name" in changes and not (changes["name"] or "").strip():
        raise WorkflowError(_("A unit needs a name."), code="name_missing", field="name")
    with transaction.atomic():
        unit = HandlingUnit.objects.select_for_update().get(pk=unit.pk)
        if "responsible_leader" in changes:
            _check_leader(unit.district_id, changes["responsible_leader"])
        if changes.get("is_active") is False and unit.is_active:
            holding = Assignment.objects.active().filter(unit=unit, item__state__in=OPEN_ITEM_STATES).count()
            if holding:
                raise WorkflowError(
                    _("The unit still handles %(count)d items: reassign them before deactivating it.")
                    % {"count": holding},
                    code="unit_busy",
                    field="is_active",
                )
        for field, value in changes.items():
            setattr(unit, field, value.strip() if isinstance(value, str) else value)
        _unique_name(lambda: _save(unit, actor), unit.name)
    return unit


def add_person(*, actor, now, district, role, full_name, username, password, phone="", email="", unit=None):
    """A new login holding `role` in `district` (and `unit` for a handler or head); returns the membership."""
    _require_office(actor, district.pk)
    if role not in STAFF_ROLES:
        raise WorkflowError(_("The office gives the roles of its staff, units and leaders only."), field="role")
    _check_unit(district.pk, role, unit)
    user = _new_user(full_name=full_name, username=username, password=password, phone=phone, email=email)
    return _save_login(actor, user, Membership(role=role, district=district, unit=unit))


def give_proposer_login(*, actor, now, proposer, username, password, phone="", email=""):
    """A login for a deputy or member (or a group's secretary) who will hand in and rate online; returns the membership.

    Most proposers never log in (domain §4): the office gives a login to those who ask, one at a
    time; a proposer holding an active login is given no second one (reset its password instead).
    """
    _require_office(actor, proposer.district_id)
    with transaction.atomic():
        proposer = Proposer.objects.select_for_update().get(pk=proposer.pk)  # two clerks at once: one login
        if not proposer.is_active:
            raise WorkflowError(_("%(proposer)s is no longer active.") % {"proposer": proposer}, code="state")
        holding = (
            Membership.objects.filter(proposer=proposer, role=Role.PROPOSER, is_active=True)
            .values_list("user__username", flat=True)
            .first()
        )
        if holding:
            raise WorkflowError(
                _("%(proposer)s already logs in as %(username)s: reset that password instead.")
                % {"proposer": proposer, "username": holding},
                code="has_login",
                field="username",
            )
        user = _new_user(full_name=proposer.name, username=username, password=password, phone=phone, email=email)
        membership = Membership(role=Role.PROPOSER, district_id=proposer.district_id, proposer=proposer)
        return _save_login(actor, user, membership)


def _new_user(*, full_name, username, password, phone, email):
    """An unsaved user whose fields and first password are valid, or the refusal naming the field."""
    if not (full_name or "").strip():
        raise WorkflowError(_("Give the person's full name."), code="name_missing", field="full_name")
    user_model = get_user_model()
    user = user_model(username=(username or "").strip(), full_name=full_name.strip(), phone=phone, email=email)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise WorkflowError(messages[0], code="invalid", field=field) from None
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise WorkflowError(" ".join(exc.messages), code="password", field="password") from None
    user.set_password(password)
    return user


def _save_login(actor, user, membership):
    """Save a new login with its first role, both with the actor as their history user."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                _save(user, actor)
        except IntegrityError:
            raise WorkflowError(
                _("The login name %(username)s is taken.") % {"username": user.username},
                code="duplicate",
                field="username",
            ) from None
        membership.user = user
        _save(membership, actor)
        passwords.require_change(user)  # the first password was told by someone else
    return membership


# The logins an office resets: its units' people and its proposers (its colleagues and leaders ask an administrator).
RESETTABLE_ROLES = (*UNIT_ROLES, Role.PROPOSER)


def reset_password(*, actor, now, membership) -> str:
    """A one-time password for the login of `membership`, to be changed at its next login; returns it, once.

    Only a login all of whose roles are in the office's district: a person also working elsewhere
    is reset by an administrator.
    """
    _require_own(actor, membership)
    if membership.role not in RESETTABLE_ROLES:
        raise NotAllowed(_("The office resets the passwords of unit staff and proposers; ask a system administrator."))
    user = membership.user
    if (
        user.is_staff
        or user.is_superuser
        or user.memberships.filter(is_active=True).exclude(district_id=membership.district_id).exists()
    ):
        raise NotAllowed(_("This login also works elsewhere; ask a system administrator to reset it."))
    if not user.is_active:
        raise WorkflowError(_("This login is not active; give a role back first."), code="state")
    return passwords.reset(user=user, now=now, actor=actor)


def _require_own(actor, membership):
    """A role of the actor's district: outside it the membership is "not found"."""
    if membership.district_id is None or not is_office(actor, membership.district_id):
        raise NotFound(_("This person does not exist or is not of your district."))


def change_contact(*, actor, now, membership, **changes):
    """The person's name, phone and email: where their reminders go."""
    _require_own(actor, membership)
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"change_contact() got unexpected fields {sorted(unknown)}")
    if "full_name" in changes and not (changes["full_name"] or "").strip():
        raise WorkflowError(_("Give the person's full name."), code="name_missing", field="full_name")
    user = membership.user
    for field, value in changes.items():
        setattr(user, field, value.strip())
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise WorkflowError(messages[0], code="invalid", field=field) from None
    _save(user, actor, update_fields=list(changes))
    return membership


def deactivate_role(*, actor, now, membership):
    """End a role; the login ends with its last active role. Never one's own, nor a leader still named for units."""
    _require_own(actor, membership)
    with transaction.atomic():
        membership = Membership.objects.select_for_update(of=("self",)).select_related("user").get(pk=membership.pk)
        if not membership.is_active:
            raise WorkflowError(_("This role has already ended."), code="state")
        if actor is not None and membership.user_id == actor.pk:
            raise WorkflowError(_("You cannot end your own role; ask a colleague."), code="self")
        if membership.role == Role.LEADER:
            units = list(
                HandlingUnit.objects.filter(
                    responsible_leader=membership.user, district_id=membership.district_id, is_active=True
                ).order_by("sort_order")
            )
            if units:
                raise WorkflowError(
                    _("Name another responsible leader for %(units)s first.") % {"units": "、".join(map(str, units))},
                    code="leader_busy",
                )
        membership.is_active = False
        _save(membership, actor, update_fields=["is_active"])
        user = membership.user
        if user.is_active and not user.memberships.filter(is_active=True).exists():
            user.is_active = False
            _save(user, actor, update_fields=["is_active"])
    return membership


def reactivate_role(*, actor, now, membership):
    """Give an ended role back (and the login with it)."""
    _require_own(actor, membership)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",)).select_related("user", "unit").get(pk=membership.pk)
        )
        if membership.is_active:
            raise WorkflowError(_("This role is active."), code="state")
        if membership.unit_id and not membership.unit.is_active:
            raise WorkflowError(_("%(unit)s is no longer active.") % {"unit": membership.unit}, code="unit_foreign")
        membership.is_active = True
        _save(membership, actor, update_fields=["is_active"])
        if not membership.user.is_active:
            membership.user.is_active = True
            _save(membership.user, actor, update_fields=["is_active"])
    return membership


def move_person(*, actor, now, membership, unit):
    """A handler or head moves to another unit of the district: the old role ends, a new one starts."""
    _require_own(actor, membership)
    if membership.role not in UNIT_ROLES:
        raise WorkflowError(_("Only handlers and unit heads belong to a unit."), code="unit_extra", field="unit")
    _check_unit(membership.district_id, membership.role, unit)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            raise WorkflowError(_("This role has already ended."), code="state")
        if membership.unit_id == unit.pk:
            raise WorkflowError(_("This person already works for %(unit)s.") % {"unit": unit}, field="unit")
        membership.is_active = False
        _save(membership, actor, update_fields=["is_active"])
        moved = Membership(
            user_id=membership.user_id, role=membership.role, district_id=membership.district_id, unit=unit
        )
        _save(moved, actor)
    return moved
