"""The item list (`/items/`): each role's worklist, the items it may see with where each one stands.

Rows are `visible_items(user)` (the one definition of visibility, already annotated with stage,
what the item waits for and on whom, and its deadlines), narrowed by `ItemFilter`. A page costs
the same queries whatever its size and however many items there are (tests/web/test_list_queries.py):
the session; the user with the bell's count and their roles; the years (and sessions and
categories) of the filters; the unit filter's choices (office and leaders);
and one query for the page: its rows with their category, lead proposers and lead units (JSON
subqueries PostgreSQL evaluates for the page's rows only, after the sort and the limit) and, in an
uncorrelated subquery run once, how many items match and how many of them are overdue.
"""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, JSONField, OuterRef, Q, Subquery, Value
from django.db.models.functions import JSONObject
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casefiles.access import reads_case_files
from districts.models import HandlingUnit, Proposer
from districts.selectors import json_list
from proposals.models import ItemProposer
from workflow.access import acts_as_office
from workflow.models import Assignment
from workflow.selectors import listed_items, visible_events

from .filters import ItemFilter
from .labels import STAGE_LABELS, WAITING_ON, WAITS_FOR

PAGE_SIZE = 50


def list_rows(user):
    """The visible items with what a row shows: lead proposers, lead units, category and last change."""
    lead_units = json_list(
        Assignment.objects.active_leads(),
        "item",
        id=F("unit_id"),
        name=F("unit__name"),
        short_name=F("unit__short_name"),
        at=F("assigned_at"),
        link=F("pk"),
    )
    # The last event the user may read: another unit's reply drafting does not show as a change.
    last_change = visible_events(user).filter(item=OuterRef("pk")).order_by("-at", "-pk").values("at")[:1]
    return (
        listed_items(user)
        .select_related("category")
        .annotate(
            last_change_at=Subquery(last_change), lead_proposer_rows=lead_proposer_rows(), lead_unit_rows=lead_units
        )
    )


def lead_proposer_rows():
    """A subquery: the outer item's lead proposers as a JSON list (read back by `attach_lead_proposers`)."""
    return json_list(
        ItemProposer.objects.filter(is_lead=True),
        "item",
        id=F("proposer_id"),
        name=F("proposer__name"),
        order=F("sort_order"),
        link=F("pk"),
    )


def attach_lead_proposers(item):
    """`item.lead_proposers` (links to the proposers) in order, from the item's `lead_proposer_rows`."""
    proposers = sorted(item.lead_proposer_rows or (), key=lambda row: (row["order"], row["link"]))
    item.lead_proposers = [
        ItemProposer(
            pk=row["link"],
            item=item,
            is_lead=True,
            sort_order=row["order"],
            proposer=Proposer(pk=row["id"], name=row["name"]),
        )
        for row in proposers
    ]
    return item


def attach_leads(item):
    """`item.lead_proposers` (links to the proposers) and `item.lead_assignments` (with their units), in order."""
    attach_lead_proposers(item)
    units = sorted(item.lead_unit_rows or (), key=lambda row: (dt.datetime.fromisoformat(row["at"]), row["link"]))
    item.lead_assignments = [
        Assignment(
            pk=row["link"], item=item, unit=HandlingUnit(pk=row["id"], name=row["name"], short_name=row["short_name"])
        )
        for row in units
    ]
    return item


def row_labels(item):
    """(item, stage, what it waits for, on whom) in the reader's words: the item page's labels."""
    stage = STAGE_LABELS.get(item.stage, "")
    return item, stage, WAITS_FOR.get(item.waits_for, ""), WAITING_ON.get(item.waiting_on, "")


def page_number(value):
    try:
        return int(value or 1)
    except (TypeError, ValueError):
        return 1  # as Paginator.get_page: not a number is the first page


def match_counts(items):
    """A subquery: how many of `items` there are and how many are overdue, as {"matching", "overdue"}.

    Uncorrelated, so PostgreSQL runs it once (an InitPlan), over the narrow rows of the filter alone: a
    window aggregate would keep every matching row, with all the page's columns, to count them.
    """
    totals = JSONObject(matching=Count("pk"), overdue=Count("pk", filter=Q(is_overdue=True)))
    one_group = items.order_by().annotate(one=Value(1)).values("one")
    return Subquery(one_group.annotate(totals=totals).values("totals")[:1], output_field=JSONField())


def counted_page(items, number, *, size=None, each=attach_leads):
    """(page, overdue): the page's rows (`size` a page, `PAGE_SIZE` by default), each passed through `each`,
    and, in the same query, how many items match and how many are overdue.

    A page number past the end (or below 1) gets the last page, as `Paginator.get_page` does: only
    then is the count asked first, as its own query.
    """
    size = size or PAGE_SIZE
    counted = items.annotate(totals=match_counts(items))
    paginator = Paginator(counted, size)
    rows = list(counted[(number - 1) * size : number * size]) if number >= 1 else []
    if rows or number == 1:
        paginator.count = rows[0].totals["matching"] if rows else 0  # the paginator asks no count of its own
    else:
        number = paginator.get_page(number).number
        rows = list(counted[(number - 1) * size : number * size])
    overdue = rows[0].totals["overdue"] if rows else 0
    return Page([each(item) for item in rows], number, paginator), overdue


@login_required
def item_list(request):
    """The filtered, sorted list, 50 a page; bad filter values show the form's errors (400).

    Office staff tick rows to assign them at the desk or bundle their case files; the list as
    filtered exports to Excel (`web.items.export`) and, for those who read case files, bundles.
    """
    filters = ItemFilter(request.GET, list_rows(request.user), request=request)
    context = {
        "filters": filters,
        "has_items": bool(filters.years),
        # Office staff tick rows for the batch actions; they and the district's leaders bundle case files.
        "batch": acts_as_office(request.user),
        "case_files": reads_case_files(request.user),
    }
    if not filters.is_valid():
        return render(request, "items/list.html", context, status=400)
    page, overdue = counted_page(filters.qs, page_number(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=page, overdue=overdue, rows=[row_labels(item) for item in page], query=query.urlencode())
    return render(request, "items/list.html", context)


@login_required
@require_POST
def assign_ticked(request):
    """The list's "Assign the ticked items": the assignment desk with the rows ticked in the list preselected.

    The list's batch form posts its ticked rows here (nothing changes: no one-time token is spent, and the
    form's tokens stay out of addresses), and this sends on only their ids, so the desk's address reads
    `/assign/?items=1&items=2`. The desk says which of them it cannot assign.
    """
    if not acts_as_office(request.user):
        raise PermissionDenied(_("Only the district office assigns items."))
    ticked = [value for value in request.POST.getlist("items") if value.isdigit()]
    if not ticked:
        messages.warning(request, _("Tick at least one item to assign."))
        return redirect(f"{reverse('items:list')}?{request.POST.get('query', '')}")
    return redirect(f"{reverse('assigning:desk')}?{urlencode([('items', pk) for pk in dict.fromkeys(ticked)])}")
