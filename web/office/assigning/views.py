"""The office assigns (交办): one item, many at once at the assignment desk, a returned one again, key items.

Each act follows the action pattern (`web.actions.perform` inside `web.submit.one_time`): the form
parses, the service in `workflow.services.assignment` decides, its refusal comes back beside the
field it names. What the office may see is `workflow.selectors`; whether it may act is the
services' own check (`permissions.require_office`), asked before a form is even shown.
"""

import secrets

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from proposals.models import Item
from web.actions import perform
from web.items.listing import attach_lead_proposers, lead_proposer_rows
from web.refusals import refusal_of
from web.submit import one_time
from workflow import access
from workflow.errors import WorkflowError, item_not_found
from workflow.models import Assignment
from workflow.selectors import get_item_for, item_scope
from workflow.services import permissions
from workflow.services.assignment import assign_units, mark_key_item, reassign

from .forms import (
    DeskFilterForm,
    DeskForm,
    ItemIdsField,
    KeyItemForm,
    ReassignForm,
    UnitsForm,
    district_leaders,
    unit_groups,
)

PAGE_SIZE = 50
BATCHES_KEY = "assigning_batches"  # the desk's last results, kept in the session so a reload assigns nothing
BATCHES_KEPT = 5
ITEM_RELATED = ("district", "session", "category", "supervising_leader")


def _office_item(user, pk):
    """The item as `user` sees it (404 outside their scope), once the service's office check passed (403)."""
    item = get_item_for(user, pk, related=ITEM_RELATED)
    permissions.require_office(user, item)
    return item


def _lead_proposers(item):
    return [link.proposer for link in item.item_proposers.filter(is_lead=True).select_related("proposer")]


def _units_picker(form):
    """[(kind label, [(unit, ticked as lead, ticked as co-unit)])]: the picker of lead and co-units, as typed."""
    lead, co = (form.chosen("lead_units"), form.chosen("co_units")) if form.is_bound else (set(), set())
    return [
        (label, [(unit, str(unit.pk) in lead, str(unit.pk) in co) for unit in units])
        for label, units in unit_groups(form.district_id)
    ]


def _unit_picker(form):
    """[(kind label, [(unit, chosen)])]: the picker of one unit, as typed."""
    chosen = form.chosen() if form.is_bound else set()
    groups = unit_groups(form.district_id)
    return [(label, [(unit, str(unit.pk) in chosen) for unit in units]) for label, units in groups]


def _unit_names(units):
    return "、".join(unit.name for unit in units)


def _assigned_message(assignments):
    leads = [a.unit for a in assignments if a.is_lead]
    cos = [a.unit for a in assignments if not a.is_lead]
    message = _("The item is assigned.")
    if leads:
        message += " " + _("Lead: %(units)s.") % {"units": _unit_names(leads)}
    if cos:
        message += " " + _("Co-handling: %(units)s.") % {"units": _unit_names(cos)}
    return message


# --- one item -------------------------------------------------------------------------------------------


def _assign_page(request, item, form, *, status=200):
    context = {
        "item": item,
        "form": form,
        "groups": _units_picker(form),
        "proposers": _lead_proposers(item),
    }
    return render(request, "office/assigning/assign.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assign_item(request, pk):
    """Lead unit, several split leads (分办) or co-units for one registered item."""
    if request.method == "POST":
        return _assign_item_post(request, pk)
    item = _office_item(request.user, pk)
    return _assign_page(request, item, UnitsForm(district_id=item.district_id))


@one_time
def _assign_item_post(request, pk):
    item = _office_item(request.user, pk)
    form = UnitsForm(request.POST, district_id=item.district_id)
    outcome = perform(
        request,
        form,
        lambda data: assign_units(
            actor=request.user,
            now=timezone.now(),
            item=item,
            lead_units=data["lead_units"],
            co_units=data["co_units"],
            split=data["split"],
        ),
        then=reverse("items:detail", args=[item.pk]),
        message=_assigned_message,
    )
    return outcome.response or _assign_page(request, item, form, status=outcome.status)


# --- the assignment desk: many items at once --------------------------------------------------------------


def _desk_districts(request):
    """(the district the desk shows, the districts the user may switch to): 403 for who acts as no office."""
    if not access.acts_as_office(request.user):
        raise PermissionDenied(_("Only the district office assigns items."))
    districts = list(access.office_districts(request.user))
    if not districts:
        raise PermissionDenied(_("Only the district office assigns items."))
    wanted = request.GET.get("district")
    if not wanted:
        return districts[0], districts
    chosen = next((d for d in districts if str(d.pk) == wanted or d.code == wanted), None)
    if chosen is None:
        raise Http404
    return chosen, districts


def _preselected(request):
    """The ids of `?items=…` (the item list links its ticked rows here), or None; bad values are an error."""
    values = request.GET.getlist("items")
    if not values:
        return None, None
    try:
        return ItemIdsField().clean(values), None
    except ValidationError:
        return None, _("The items chosen in the list could not be read; all items awaiting assignment are shown.")


def _awaiting(user, district):
    """The registered items of `district` awaiting assignment that `user` sees, with their lead proposers."""
    return (
        Item.objects.filter(item_scope(user), district=district, state=Item.State.REGISTERED)
        .select_related("category", "session")
        .annotate(lead_proposer_rows=lead_proposer_rows())
        .order_by("-year", "body", "kind", "number", "pk")
    )


def _desk_page(request, district, districts, form, *, refused=(), status=200):
    preselected, preselection_error = _preselected(request)
    filters = DeskFilterForm(request.GET)
    items = filters.narrow(_awaiting(request.user, district))
    if preselected is not None:
        items = items.filter(pk__in=preselected)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [attach_lead_proposers(item) for item in page.object_list]
    # What is ticked: as sent when the form comes back, else the list's preselection.
    ticked = set(request.POST.getlist("items")) if form.is_bound else {str(pk) for pk in preselected or ()}
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "district": district,
        "districts": districts,
        "filters": filters,
        "form": form,
        "page": page,
        "ticked": ticked,
        "preselected": preselected,
        "preselection_error": preselection_error,
        "not_shown": len(preselected) - page.paginator.count if preselected is not None else 0,
        "groups": _units_picker(form),
        "refused": refused,
        "query": query.urlencode(),
    }
    if status == 200 and filters.errors:
        status = 400
    return render(request, "office/assigning/desk.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assign_desk(request):
    """The registered items awaiting assignment: tick some, choose the units once, assign them all."""
    if request.method == "POST":
        return _desk_post(request)
    district, districts = _desk_districts(request)
    return _desk_page(request, district, districts, DeskForm(district_id=district.pk))


def _assign_each(user, data):
    """Assign every ticked item on its own: ([items assigned], [(pk, item or None, refusal)])."""
    now = timezone.now()
    leads, cos = list(data["lead_units"]), list(data["co_units"])
    ids = data["items"]
    scope = item_scope(user)
    found = Item.objects.filter(scope, pk__in=ids).in_bulk() if scope is not None else {}
    done, refused = [], []
    # In id order: every item stays locked until the whole batch commits (`one_time`'s transaction), so two
    # clerks' overlapping batches lock in the same order and queue up instead of deadlocking.
    for pk in sorted(ids):
        item = found.get(pk)
        if item is None:
            refused.append((pk, None, item_not_found()))
            continue
        try:
            # Each item in its own (nested) transaction: a refusal undoes that item only, the others stay assigned.
            with transaction.atomic():
                assign_units(actor=user, now=now, item=item, lead_units=leads, co_units=cos, split=data["split"])
        except WorkflowError as exc:
            refused.append((pk, item, exc))
        else:
            done.append(item)
    return done, refused


def _nothing_assigned(refused):
    """The refusal to show beside the form when no item was assigned: one naming a field, else the first."""
    errors = [exc for _pk, _item, exc in refused if refusal_of(exc).status != 404]
    named = [exc for exc in errors if exc.field]
    if named or errors:
        return (named or errors)[0]
    return WorkflowError(_("None of the ticked items can be assigned here."), code="none_found", field="items")


def _refused_rows(refused):
    return [
        {
            "pk": pk,
            "number": item.number if item else "",
            "title": item.title if item else "",
            "reason": refusal_of(exc).detail,
            "visible": item is not None,
        }
        for pk, item, exc in refused
    ]


def _remember(request, district, data, done, refused):
    """Keep the batch's result in the session under a new id; the result page reads it (a reload does nothing)."""
    batch = secrets.token_urlsafe(9)
    batches = request.session.get(BATCHES_KEY, {})
    batches[batch] = {
        "district": district.name,
        "leads": [unit.name for unit in data["lead_units"]],
        "cos": [unit.name for unit in data["co_units"]],
        "split": bool(data["split"]),
        "assigned": [{"pk": item.pk, "number": item.number, "title": item.title} for item in done],
        "refused": _refused_rows(refused),
    }
    while len(batches) > BATCHES_KEPT:
        batches.pop(next(iter(batches)))
    request.session[BATCHES_KEY] = batches
    return batch, len(done), len(refused)


def _batch_message(result):
    _batch, assigned, refused = result
    message = ngettext("%(count)d item assigned.", "%(count)d items assigned.", assigned) % {"count": assigned}
    if refused:
        message += " " + ngettext(
            "%(count)d item refused: see why below.", "%(count)d items refused: see why below.", refused
        ) % {"count": refused}
    return message


@one_time
def _desk_post(request):
    district, districts = _desk_districts(request)
    form = DeskForm(request.POST, district_id=district.pk)
    refused = []

    def assign_all(data):
        done, refused[:] = _assign_each(request.user, data)
        if not done:
            raise _nothing_assigned(refused)  # nothing was done: the form again, with why beside it
        return _remember(request, district, data, done, refused)

    outcome = perform(
        request,
        form,
        assign_all,
        then=lambda result: reverse("assigning:desk_done", args=[result[0]]),
        message=_batch_message,
    )
    if outcome.response:
        return outcome.response
    return _desk_page(request, district, districts, form, refused=_refused_rows(refused), status=outcome.status)


@login_required
@require_GET
def desk_done(request, batch):
    """Which items the batch assigned and which were refused, and why."""
    if not access.acts_as_office(request.user):
        raise PermissionDenied(_("Only the district office assigns items."))
    result = request.session.get(BATCHES_KEY, {}).get(batch)
    if result is None:
        return redirect("assigning:desk")
    return render(request, "office/assigning/desk_done.html", {"result": result})


# --- a returned assignment goes to another unit -------------------------------------------------------------


def _returned(user, pk):
    """The assignment and its item as `user` sees it (404 outside scope), once the office check passed (403)."""
    assignment = Assignment.objects.select_related("unit").filter(pk=pk).first()
    if assignment is None:
        raise Http404
    item = _office_item(user, assignment.item_id)
    return assignment, item


def _reassign_page(request, assignment, item, form, *, status=200):
    context = {
        "assignment": assignment,
        "item": item,
        "form": form,
        "replacement": assignment.replaced_by.select_related("unit").first(),
        "groups": _unit_picker(form),
    }
    return render(request, "office/assigning/reassign.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reassign_assignment(request, pk):
    """Shows the unit's reason for returning the item; the office chooses the unit it goes to now."""
    if request.method == "POST":
        return _reassign_post(request, pk)
    assignment, item = _returned(request.user, pk)
    return _reassign_page(request, assignment, item, ReassignForm(district_id=item.district_id))


@one_time
def _reassign_post(request, pk):
    assignment, item = _returned(request.user, pk)
    form = ReassignForm(request.POST, district_id=item.district_id)
    outcome = perform(
        request,
        form,
        lambda data: reassign(actor=request.user, now=timezone.now(), assignment=assignment, unit=data["unit"]),
        then=reverse("items:detail", args=[item.pk]),
        message=lambda new: _("Reassigned to %(unit)s; its clocks start now.") % {"unit": new.unit.name},
    )
    return outcome.response or _reassign_page(request, assignment, item, form, status=outcome.status)


# --- key items (领导牵头督办件) -------------------------------------------------------------------------------


def _key_page(request, item, form, *, status=200):
    context = {"item": item, "form": form, "has_leaders": form.fields["leader"].queryset.exists()}
    return render(request, "office/assigning/key.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def key_item(request, pk):
    """Mark the item as a key item led by one of the district's leaders (or change its leader)."""
    if request.method == "POST":
        return _key_post(request, pk)
    item = _office_item(request.user, pk)
    initial = {"leader": item.supervising_leader_id} if item.is_key else {}
    return _key_page(request, item, KeyItemForm(initial=initial, leaders=district_leaders(item.district_id)))


@one_time
def _key_post(request, pk):
    item = _office_item(request.user, pk)
    form = KeyItemForm(request.POST, leaders=district_leaders(item.district_id))
    outcome = perform(
        request,
        form,
        lambda data: mark_key_item(actor=request.user, now=timezone.now(), item=item, leader=data["leader"]),
        then=reverse("items:detail", args=[item.pk]),
        message=lambda marked: _("Key item, led by %(leader)s.") % {"leader": marked.supervising_leader},
    )
    return outcome.response or _key_page(request, item, form, status=outcome.status)
