"""The district's units and people, kept by its office without /admin/ (issue #15).

Lists read the district's units and roles in one query each; every change is a call of
`workflow.services.staffing` through `web.actions.perform`, which records who made it.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from districts.models import UNIT_ROLES, Body, HandlingUnit, Membership, Proposer, Role
from web.accounts.views import keep_once
from web.actions import perform
from web.submit import one_time
from workflow.access import office_districts
from workflow.services import staffing

from .forms import ConfirmForm, ContactForm, MoveForm, PersonForm, ProposerLoginForm, UnitForm
from .history import changes_of


def _district(request):
    """The district the page is about: `?district=` among those the user is the office of, else the first."""
    districts = list(office_districts(request.user))
    if not districts:
        raise PermissionDenied(gettext("Only the district office may change its units and people."))
    wanted = request.GET.get("district") or request.POST.get("district")
    chosen = next((d for d in districts if str(d.pk) == wanted), districts[0])
    return chosen, districts


def _own(request, queryset, pk):
    """One object of the user's office districts; another district's is "not found"."""
    districts = office_districts(request.user)
    obj = get_object_or_404(queryset.filter(district__in=districts), pk=pk)
    return obj


def _units_url(district):
    return f"{reverse('people:units')}?district={district.pk}"


def _people_url(district):
    return f"{reverse('people:list')}?district={district.pk}"


@login_required
def units(request):
    """The district's units, each with its leader, heads and handlers; what is missing said in words."""
    district, districts = _district(request)
    staff = Membership.objects.filter(role__in=UNIT_ROLES, is_active=True, user__is_active=True).select_related("user")
    rows = []
    for unit in (
        HandlingUnit.objects.filter(district=district)
        .select_related("responsible_leader")
        .prefetch_related(Prefetch("memberships", queryset=staff.order_by("role", "user__full_name"), to_attr="staff"))
        .order_by("-is_active", "sort_order", "name")
    ):
        heads = [m.user for m in unit.staff if m.role == Role.UNIT_HEAD]
        handlers = [m.user for m in unit.staff if m.role == Role.HANDLER]
        rows.append((unit, heads, handlers))
    context = {"district": district, "districts": districts, "rows": rows}
    return render(request, "office/people/units.html", context)


def _unit_page(request, form, district, unit=None, status=200):
    context = {"form": form, "district": district, "unit": unit, "changes": changes_of(unit) if unit else []}
    return render(request, "office/people/unit_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_new(request):
    if request.method == "POST":
        return _unit_new_post(request)
    district, _districts = _district(request)
    return _unit_page(request, UnitForm(district=district, creating=True), district)


@one_time
def _unit_new_post(request):
    district, _districts = _district(request)
    form = UnitForm(request.POST, district=district, creating=True)
    outcome = perform(
        request,
        form,
        lambda data: staffing.add_unit(actor=request.user, now=timezone.now(), district=district, **data),
        then=_units_url(district),
        message=lambda unit: gettext("Unit %(unit)s added.") % {"unit": unit.name},
    )
    return outcome.response or _unit_page(request, form, district, status=outcome.status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = _own(request, HandlingUnit.objects.select_related("district"), pk)
    if request.method == "POST":
        return _unit_edit_post(request, unit)
    initial = {field: getattr(unit, field) for field in staffing.UNIT_FIELDS}
    return _unit_page(request, UnitForm(initial=initial, district=unit.district), unit.district, unit)


@one_time
def _unit_edit_post(request, unit):
    form = UnitForm(request.POST, district=unit.district)
    outcome = perform(
        request,
        form,
        lambda data: staffing.change_unit(actor=request.user, now=timezone.now(), unit=unit, **data),
        then=_units_url(unit.district),
        message=lambda unit: gettext("Unit %(unit)s saved.") % {"unit": unit.name},
    )
    return outcome.response or _unit_page(request, form, unit.district, unit, status=outcome.status)


@login_required
def people(request):
    """Everyone holding a staff role in the district, by role; ended roles last."""
    district, districts = _district(request)
    memberships = (
        Membership.objects.filter(district=district, role__in=staffing.STAFF_ROLES)
        .select_related("user", "unit")
        .order_by("-is_active", "role", "unit__sort_order", "user__full_name", "pk")
    )
    roles = {role: [] for role in staffing.STAFF_ROLES}
    for m in memberships:
        roles[m.role].append(m)
    context = {
        "district": district,
        "districts": districts,
        "groups": [(Role(role).label, rows) for role, rows in roles.items()],
    }
    return render(request, "office/people/people.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request):
    district, _districts = _district(request)
    if request.method == "POST":
        return _person_new_post(request, district)
    form = PersonForm(district=district, initial={"unit": request.GET.get("unit")})
    return render(request, "office/people/person_new.html", {"form": form, "district": district})


@one_time
def _person_new_post(request, district):
    form = PersonForm(request.POST, district=district)
    outcome = perform(
        request,
        form,
        lambda data: staffing.add_person(actor=request.user, now=timezone.now(), district=district, **data),
        then=lambda m: reverse("people:person", args=[m.pk]),
        message=lambda m: (
            gettext("%(person)s can now log in as %(username)s.")
            % {"person": m.user.full_name, "username": m.user.username}
        ),
    )
    return outcome.response or render(
        request, "office/people/person_new.html", {"form": form, "district": district}, status=outcome.status
    )


def _membership(request, pk):
    return _own(request, Membership.objects.select_related("user", "unit", "district"), pk)


def _person_page(request, membership, *, contact=None, move=None, role=None, status=200):
    district = membership.district
    user = membership.user
    context = {
        "membership": membership,
        "person": user,
        "district": district,
        "contact_form": contact or ContactForm(initial={f: getattr(user, f) for f in staffing.CONTACT_FIELDS}),
        "move_form": move or (MoveForm(district=district) if membership.role in UNIT_ROLES else None),
        "role_form": role,  # the refusal of ending or giving back the role, if any
        "resettable": membership.is_active and user.is_active and membership.role in staffing.RESETTABLE_ROLES,
        "roles": list(user.memberships.select_related("district", "unit").order_by("-is_active", "role", "pk")),
        "changes": changes_of(user, membership),
    }
    return render(request, "office/people/person.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person(request, pk):
    """One person's role: contact details (where reminders go), the role's end or move, and its history."""
    membership = _membership(request, pk)
    if request.method == "POST":
        return _contact_post(request, membership)
    return _person_page(request, membership)


@one_time
def _contact_post(request, membership):
    form = ContactForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: staffing.change_contact(actor=request.user, now=timezone.now(), membership=membership, **data),
        then=reverse("people:person", args=[membership.pk]),
        message=gettext("Contact details saved."),
    )
    return outcome.response or _person_page(request, membership, contact=form, status=outcome.status)


def _role_act(request, pk, service, message):
    membership = _membership(request, pk)
    form = ConfirmForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: service(actor=request.user, now=timezone.now(), membership=membership),
        then=reverse("people:person", args=[membership.pk]),
        message=message,
    )
    return outcome.response or _person_page(request, membership, role=form, status=outcome.status)


@login_required
@one_time
def deactivate(request, pk):
    return _role_act(request, pk, staffing.deactivate_role, gettext("The role has ended."))


@login_required
@one_time
def reactivate(request, pk):
    return _role_act(request, pk, staffing.reactivate_role, gettext("The role is active again."))


@login_required
@one_time
def move(request, pk):
    membership = _membership(request, pk)
    if membership.role not in UNIT_ROLES:
        raise Http404
    form = MoveForm(request.POST, district=membership.district)
    outcome = perform(
        request,
        form,
        lambda data: staffing.move_person(actor=request.user, now=timezone.now(), membership=membership, **data),
        then=lambda moved: reverse("people:person", args=[moved.pk]),
        message=lambda moved: (
            gettext("%(person)s now works for %(unit)s.") % {"person": moved.user.full_name, "unit": moved.unit.name}
        ),
    )
    return outcome.response or _person_page(request, membership, move=form, status=outcome.status)


@login_required
@one_time
def reset_password(request, pk):
    """A one-time password for a unit's or a proposer's login, shown once; changed at its next login."""
    membership = _membership(request, pk)

    def reset(data):
        keep_once(
            request,
            membership.user,
            staffing.reset_password(actor=request.user, now=timezone.now(), membership=membership),
        )

    form = ConfirmForm(request.POST)
    outcome = perform(
        request,
        form,
        reset,
        then=reverse("accounts:one_time_password"),
        message=gettext("The password is reset."),
    )
    return outcome.response or _person_page(request, membership, role=form, status=outcome.status)


@login_required
def proposers(request):
    """The district's deputies, members and groups, each with its login if it has one (most have none).

    One query for the roster and one for its logins, whatever its length; a search by name and
    the body narrow it (a district has a few hundred).
    """
    district, districts = _district(request)
    body = request.GET.get("body", "")
    query = request.GET.get("q", "").strip()[:100]
    roster = Proposer.objects.filter(district=district).order_by("body", "-is_active", "name", "pk")
    if body in Body.values:
        roster = roster.filter(body=body)
    if query:
        roster = roster.filter(name__contains=query)
    logins = Membership.objects.filter(role=Role.PROPOSER).select_related("user").order_by("-is_active", "pk")
    context = {
        "district": district,
        "districts": districts,
        "bodies": Body.choices,
        "body": body,
        "query": query,
        "proposers": roster.prefetch_related(Prefetch("memberships", queryset=logins, to_attr="logins")),
    }
    return render(request, "office/people/proposers.html", context)


def _login_page(request, proposer, form, status=200):
    context = {"proposer": proposer, "district": proposer.district, "form": form}
    return render(request, "office/people/proposer_login.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def proposer_login(request, pk):
    """Give a deputy or member a login, to hand in and rate online; the first login asks for a new password."""
    proposer = _own(request, Proposer.objects.select_related("district"), pk)
    if request.method == "POST":
        return _proposer_login_post(request, proposer)
    return _login_page(request, proposer, ProposerLoginForm(initial={"phone": proposer.phone}))


@one_time
def _proposer_login_post(request, proposer):
    form = ProposerLoginForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: staffing.give_proposer_login(actor=request.user, now=timezone.now(), proposer=proposer, **data),
        then=lambda m: reverse("people:person", args=[m.pk]),
        message=lambda m: (
            gettext("%(person)s can now log in as %(username)s.")
            % {"person": m.user.full_name, "username": m.user.username}
        ),
    )
    return outcome.response or _login_page(request, proposer, form, status=outcome.status)
