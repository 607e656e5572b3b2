"""The item list (`/items/`): each role's worklist, the items it may see with where each one stands.

Rows are `visible_items(user)` (the one definition of visibility, already annotated with stage,
what the item waits for and on whom, and its deadlines), narrowed by `ItemFilter`. A page costs
the same number of queries whatever its size: the proposers and units come in one query each.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import render

from proposals.models import ItemProposer
from workflow.models import Assignment
from workflow.selectors import visible_events, visible_items

from .filters import ItemFilter
from .labels import STAGE_LABELS, WAITING_ON, WAITS_FOR

PAGE_SIZE = 50


def _rows(user):
    """The visible items with what a row shows: lead proposer, lead units, category and last change."""
    lead_proposers = ItemProposer.objects.filter(is_lead=True).select_related("proposer")
    lead_units = Assignment.objects.active_leads().select_related("unit").order_by("assigned_at", "pk")
    # The last event the user may read: another unit's reply drafting does not show as a change.
    last_change = visible_events(user).filter(item=OuterRef("pk")).order_by("-at", "-pk").values("at")[:1]
    return (
        visible_items(user)
        .select_related("category")
        .prefetch_related(
            Prefetch("item_proposers", queryset=lead_proposers, to_attr="lead_proposers"),
            Prefetch("assignments", queryset=lead_units, to_attr="lead_assignments"),
        )
        .annotate(last_change_at=Subquery(last_change))
    )


def _row(item):
    """(item, stage, what it waits for, on whom) in the reader's words: the item page's labels."""
    stage = STAGE_LABELS.get(item.stage, "")
    return item, stage, WAITS_FOR.get(item.waits_for, ""), WAITING_ON.get(item.waiting_on, "")


@login_required
def item_list(request):
    """The filtered, sorted list, 50 a page; bad filter values show the form's errors (400)."""
    filters = ItemFilter(request.GET, _rows(request.user), request=request)
    context = {"filters": filters, "has_items": bool(filters.years)}
    if not filters.is_valid():
        return render(request, "items/list.html", context, status=400)
    items = filters.qs
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        page=page,
        overdue=items.filter(is_overdue=True).count(),
        rows=[_row(item) for item in page],
        query=query.urlencode(),
    )
    return render(request, "items/list.html", context)
