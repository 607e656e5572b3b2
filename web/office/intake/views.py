"""The intake's screens: register an item handed in on paper, review it, and the searches they use.

Every act is an action view (`web.actions.perform` inside `web.submit.one_time`): the form parses,
the service in `workflow.services.intake` decides, a refusal comes back beside the field it names.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from districts.models import Proposer
from proposals.attachments import stored
from proposals.models import Attachment, Item
from web.actions import perform
from web.submit import one_time
from workflow import access
from workflow.errors import NotFound
from workflow.selectors import get_item_for, item_scope, visible_attachments
from workflow.services import intake
from workflow.services.permissions import require_office

from .forms import MergeForm, ReceiveForm, RejectForm, ReviewForm, receive_initial
from .numbering import suggest_number
from .similar import similar_items

SEARCH_RESULTS = 20


def review_queue_url():
    """The item list narrowed to the items awaiting review, of every year."""
    return reverse("items:list") + "?" + urlencode({"stage": Item.State.RECEIVED, "year": ""})


def _office_districts(user):
    """The districts `user` records items for; 403 for who acts as no office (as the import)."""
    if not access.acts_as_office(user):
        raise PermissionDenied(_("Only the district office may record items."))
    return access.office_districts(user)


# Register an item handed in on paper.


def _receive_page(request, form, *, status=200):
    context = {
        "form": form,
        "lead": form.chosen("lead"),
        "cosigners": form.chosen("cosigners"),
        "files_dropped": request.method == "POST" and bool(request.FILES),  # a browser never keeps chosen files
        "queue_url": review_queue_url(),
    }
    return render(request, "office/intake/receive.html", context, status=status)


@login_required
@require_GET
def receive(request):
    districts = _office_districts(request.user)
    form = ReceiveForm(districts=districts, initial=receive_initial(districts, suggest=suggest_number))
    return _receive_page(request, form)


@login_required
@one_time
def receive_submit(request):
    user = request.user
    districts = _office_districts(user)
    form = ReceiveForm(request.POST, request.FILES, districts=districts)

    def record(data):
        item = intake.receive_item(
            actor=user,
            now=timezone.now(),
            district=data["district"],
            year=data["year"],
            body=data["body"],
            kind=data["kind"],
            number=data["number"].strip(),
            title=data["title"].strip(),
            text=data["text"],
            session=data["session"],
            category=data["category"],
            proposers=data["proposers"],
            lead_proposer=data["lead"],
            disclosure=data["disclosure"],
            submitted_on=data["submitted_on"],
        )
        # In the act's transaction (one_time): a refused file undoes the item too, and no stored file stays.
        with stored(item=item, uploads=data["attachments"], purpose=Attachment.Purpose.ITEM, uploaded_by=user):
            return item

    outcome = perform(
        request,
        form,
        record,
        then=lambda item: reverse("items:detail", args=[item.pk]),
        message=lambda item: _("Item %(number)s is recorded; it awaits review.") % {"number": item.number},
    )
    return outcome.response or _receive_page(request, form, status=outcome.status)


@login_required
@require_GET
def number_field(request):
    """The number field's contents again for the chosen district, year, body and kind (htmx).

    The suggestion replaces the number only while the clerk has not changed it (it still equals
    the previous suggestion, or is empty).
    """
    districts = _office_districts(request.user)
    form = ReceiveForm(districts=districts)
    get = request.GET
    district = districts.filter(pk=get.get("district") or 0).first() or districts.first()
    number, previous = get.get("number", "").strip(), get.get("suggested", "")
    try:
        year = int(get.get("year", ""))
    except ValueError:
        year = None
    suggestion = ""
    if district is not None and year and get.get("body") and get.get("kind"):
        suggestion = suggest_number(district=district, year=year, body=get["body"], kind=get["kind"])
    if suggestion and number in ("", previous):
        number = suggestion
    context = {"field": form["number"], "number": number, "suggested": suggestion or previous}
    return render(request, "office/intake/_number_field.html", context)


@login_required
@require_GET
def proposer_search(request):
    """Proposers of the chosen district and body whose name or constituency holds the words typed (htmx)."""
    districts = _office_districts(request.user)
    query = request.GET.get("proposer_q", "").strip()
    found = []
    if query:
        district = districts.filter(pk=request.GET.get("district") or 0).first() or districts.first()
        found = Proposer.objects.filter(district=district, is_active=True).filter(
            Q(name__icontains=query) | Q(constituency__icontains=query)
        )
        if request.GET.get("body"):
            found = found.filter(body=request.GET["body"])
        found = list(found.order_by("kind", "name")[:SEARCH_RESULTS])
    context = {"query": query, "found": found, "limit": SEARCH_RESULTS}
    return render(request, "office/intake/_proposer_results.html", context)


@login_required
@require_GET
def proposer_pick(request, pk):
    """One chosen proposer as a ticked box of the form: the lead (replacing the former) or a co-signer (htmx)."""
    districts = _office_districts(request.user)
    proposer = Proposer.objects.filter(district__in=districts, pk=pk).first()
    if proposer is None:
        raise Http404
    role = "lead" if request.GET.get("as") == "lead" else "cosigners"
    return render(request, "office/intake/_proposer_chip.html", {"proposer": proposer, "name": role})


# Review: register, reject or merge.


def _reviewed_item(user, pk):
    """The item, for its district's office: 404 outside the user's scope, 403 for another role."""
    try:
        item = get_item_for(user, pk, related=("district", "session", "category"))
    except NotFound as exc:
        raise Http404(exc.message) from None
    require_office(user, item)  # NotAllowed: the refusal middleware answers 403
    return item


def _merge_candidates(user, item, query):
    """Items `user` sees (not this one) with `query` as number, or in their title; this year's and body's first."""
    query = query.strip()
    if not query:
        return []
    scope = item_scope(user) or Q(pk__in=[])
    found = Item.objects.filter(scope).exclude(pk=item.pk).filter(Q(number=query) | Q(title__icontains=query))
    return list(found.select_related("district").order_by("-year", "body", "number", "pk")[:SEARCH_RESULTS])


def _merge_target(user, item, data):
    """The item chosen in the merge form, or the one its query finds; a WorkflowError-like form error otherwise."""
    scope = item_scope(user) or Q(pk__in=[])
    if data.get("into") is not None:
        return Item.objects.filter(scope, pk=data["into"]).first()
    candidates = _merge_candidates(user, item, data["query"])
    same = [c for c in candidates if c.number == data["query"].strip() and (c.year, c.body) == (item.year, item.body)]
    if len(same) == 1:
        return same[0]
    if len(candidates) == 1:
        return candidates[0]
    return None


def _review_page(request, item, *, forms=None, candidates=None, status=200):
    user = request.user
    forms = forms or {}
    context = {
        "item": item,
        "received": item.state == Item.State.RECEIVED,
        # A refused decision comes back with the service's reason, whatever the item's state now.
        "deciding": item.state == Item.State.RECEIVED or bool(forms),
        "proposers": list(item.item_proposers.select_related("proposer").order_by("-is_lead", "sort_order", "pk")),
        "attachments": list(visible_attachments(user).filter(item=item).order_by("uploaded_at", "pk")),
        "hints": similar_items(user, item),
        "register_form": forms.get("register") or ReviewForm(),
        "reject_form": forms.get("reject") or RejectForm(),
        "merge_form": forms.get("merge") or MergeForm(),
        "candidates": candidates,
        "queue_url": review_queue_url(),
    }
    return render(request, "office/intake/review.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def review(request, pk):
    return _review_page(request, _reviewed_item(request.user, pk))


def _decide(request, item, form, name, call, message):
    outcome = perform(
        request,
        form,
        call,
        then=reverse("items:detail", args=[item.pk]),
        message=message,
    )
    return outcome.response or _review_page(request, item, forms={name: form}, status=outcome.status)


@login_required
@one_time
def review_register(request, pk):
    item = _reviewed_item(request.user, pk)
    return _decide(
        request,
        item,
        ReviewForm(request.POST),
        "register",
        lambda data: intake.register_item(actor=request.user, now=timezone.now(), item=item),
        _("Item %(number)s is registered; it awaits assignment.") % {"number": item.number},
    )


@login_required
@one_time
def review_reject(request, pk):
    item = _reviewed_item(request.user, pk)
    return _decide(
        request,
        item,
        RejectForm(request.POST),
        "reject",
        lambda data: intake.reject_item(actor=request.user, now=timezone.now(), item=item, reason=data["reason"]),
        _("Item %(number)s is not registered.") % {"number": item.number},
    )


@login_required
@one_time
def review_merge(request, pk):
    user = request.user
    item = _reviewed_item(user, pk)
    form = MergeForm(request.POST)
    candidates = None
    if form.is_valid():
        into = _merge_target(user, item, form.cleaned_data)
        if into is None:
            candidates = _merge_candidates(user, item, form.cleaned_data.get("query") or "")
            if candidates:
                form.add_error("query", _("Several items match: choose the one to merge into below."))
            else:
                form.add_error("query", _("No item you can see has this number or title."))
            return _review_page(request, item, forms={"merge": form}, candidates=candidates, status=400)
        form.cleaned_data["into_item"] = into

    def merge(data):
        return intake.merge_item(actor=user, now=timezone.now(), item=item, into=data["into_item"])

    outcome = perform(
        request,
        form,
        merge,
        then=reverse("items:detail", args=[item.pk]),
        message=lambda merged: (
            _("Item %(number)s is merged into item %(into)s.")
            % {"number": merged.number, "into": merged.merged_into.number}
        ),
    )
    return outcome.response or _review_page(request, item, forms={"merge": form}, status=outcome.status)


@login_required
@require_GET
def merge_search(request, pk):
    """Items to merge into, by number or title (htmx): each a choice of the merge form."""
    item = _reviewed_item(request.user, pk)
    candidates = _merge_candidates(request.user, item, request.GET.get("query", ""))
    context = {"item": item, "candidates": candidates, "query": request.GET.get("query", "").strip()}
    return render(request, "office/intake/_merge_candidates.html", context)
