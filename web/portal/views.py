"""The public portal (公众): published replies, found without logging in.

Lists read the portal's index (`portal.models.PublishedReply`: one row per published reply,
its filters as columns, its words as character pairs); an item's page and its files read the
workflow through `portal.public`. Nothing else of an item shows: no drafts, ratings, messages,
other units' opinions or the item's own text. Every page is rate-limited and cacheable
(`web.portal.public.public_page`); a list page runs at most six queries at any size.
"""

from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from districts.models import District, HandlingUnit
from portal.models import PublishedReply
from portal.public import on_request_items, public_attachment, public_replies
from portal.search import matching, words, years
from proposals.models import Category, ItemProposer, Session

from .forms import Search
from .public import public_page

PAGE_SIZE = 20
LIST_AGE = 300  # seconds a proxy may keep a list: a reply taken down leaves it within five minutes
ITEM_AGE = 600


@public_page(LIST_AGE)
def home(request):
    """Each district's years with their number of published replies, and a search of all of them."""
    years = (
        PublishedReply.objects.values("district__code", "district__name", "district__sort_order", "year")
        .annotate(count=Count("pk"))
        .order_by("district__sort_order", "district__code", "-year")
    )
    districts = {}
    for row in years:
        code = row["district__code"]
        districts.setdefault(code, {"name": row["district__name"], "code": code, "years": []})["years"].append(row)
    return render(request, "portal/home.html", {"districts": list(districts.values())})


@public_page(LIST_AGE)
def search(request):
    """Every district's published replies, narrowed by district, year, body and words."""
    rows = PublishedReply.objects.all()
    form = Search(
        request.GET,
        years=years(),
        districts=District.objects.filter(is_active=True).only("pk", "name"),
    )
    return _list(request, form, rows, {"district": None})


@public_page(LIST_AGE)
def district(request, code, year=None):
    """A district's published replies, a year's when the address names it (the yearly list)."""
    place = get_object_or_404(District.objects.only("pk", "code", "name"), code=code)
    rows = PublishedReply.objects.filter(district=place)
    data = request.GET.copy()
    if year is not None:
        data["year"] = str(year)
    form = Search(
        data,
        years=years(place.pk) if year is None else [year],
        sessions=Session.objects.filter(district=place)
        .only("pk", "year", "label")
        .order_by("-year", "body", "term", "number"),
        categories=Category.objects.filter(district=place).only("pk", "name").order_by("sort_order", "name"),
        units=HandlingUnit.objects.filter(district=place).only("pk", "name").order_by("sort_order", "name"),
    )
    return _list(request, form, rows, {"district": place, "year": year})


def _page(request):
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


def _list(request, form, rows, context):
    """One query for the page: a row more than shown says whether a next page exists (no count)."""
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    found = matching(rows.filter(**form.filters()), query)
    page = _page(request)
    start = (page - 1) * PAGE_SIZE
    shown = list(
        found.select_related("item", "unit", "district").only(
            "reply_id",
            "published_at",
            "year",
            "body",
            "item__number",
            "item__title",
            "unit__name",
            "district__name",
            "district__code",
        )[start : start + PAGE_SIZE + 1]
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portal/list.html",
        {
            **context,
            "form": form,
            "rows": shown[:PAGE_SIZE],
            "page": page,
            "has_next": len(shown) > PAGE_SIZE,
            "query": query,
            "too_short": bool(query.strip()) and not words(query),
            "params": params.urlencode(),
        },
    )


@public_page(LIST_AGE)
def on_request(request, code):
    """A district's items whose reply is disclosed on request: their number and title, and the way to ask."""
    place = get_object_or_404(District.objects.only("pk", "code", "name"), code=code)
    page = _page(request)
    start = (page - 1) * PAGE_SIZE
    items = list(
        on_request_items(place)
        .only("pk", "year", "body", "number", "title")
        .order_by("-year", "body", "number", "pk")[start : start + PAGE_SIZE + 1]
    )
    context = {"district": place, "items": items[:PAGE_SIZE], "page": page, "has_next": len(items) > PAGE_SIZE}
    return render(request, "portal/on_request.html", {**context, "params": ""})


@public_page(ITEM_AGE)
def item(request, pk):
    """The stable page of a published item: number, title, proposers, each published reply and its public files."""
    replies = list(
        public_replies()
        .filter(assignment__item_id=pk)
        .select_related("assignment__item__district", "assignment__item__session", "assignment__item__category")
        .prefetch_related("public_attachments")
        .order_by("published_at", "pk")
    )
    if not replies:
        raise Http404
    subject = replies[0].assignment.item
    proposers = ItemProposer.objects.filter(item_id=pk).select_related("proposer").order_by("-is_lead", "sort_order")
    return render(
        request,
        "portal/item.html",
        {"item": subject, "replies": replies, "proposers": [link.proposer for link in proposers]},
    )


@public_page(ITEM_AGE)
def attachment(request, pk):
    """A file published with a public reply; any other file is "not found", whether it exists or not."""
    found = public_attachment(pk)
    if found is None:
        raise Http404
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.original_name, content_type=found.content_type
    )
