"""The office decides a unit's request for more time to reply (domain §4 step 6): grant, maybe another date, or refuse.

The rules (a date after the current one and within the limit, a reason to refuse, one decision)
are `workflow.services.extensions.decide_extension`'s; the page shows the unit's reason, the
current due date and the latest date the policy allows, and the service's refusal beside the field.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.models import REPLY_KINDS
from proposals.models import Item
from web.actions import perform
from web.submit import one_time
from workflow.access import office_districts
from workflow.models import Extension, Obligation
from workflow.obligations import max_extended_due
from workflow.selectors import item_scope
from workflow.services import permissions
from workflow.services.extensions import decide_extension

from .forms import DecideExtensionForm
from .replies import PAGE_SIZE, require_office_reader

RELATED = ("assignment__item__district", "assignment__unit", "requested_by", "decided_by")


def current_due():
    """The open reply deadline of the extension's assignment (as extended so far), as a subquery."""
    due = Obligation.objects.open().filter(assignment=OuterRef("assignment"), kind__in=REPLY_KINDS)
    return Subquery(due.order_by("-due_on").values("due_on")[:1])


@login_required
def extension_queue(request):
    """Requests awaiting the office's decision in the reader's districts, the earliest current due date first."""
    require_office_reader(request.user)
    requests = (
        Extension.objects.filter(
            state=Extension.State.PENDING, assignment__item__district__in=office_districts(request.user)
        )
        .select_related(*RELATED)
        .annotate(due_on=current_due())
        .order_by(F("due_on").asc(nulls_last=True), "requested_at", "pk")
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "office/decisions/extension_queue.html", {"page": page, "requests": list(page)})


def _extension_or_404(user, pk) -> Extension:
    """A request on an item the user may see (`item_scope`), else 404; the office's only (403 for another role)."""
    scope = item_scope(user)
    if scope is None:
        raise Http404
    visible = Extension.objects.filter(assignment__item__in=Item.objects.filter(scope).values("pk"))
    try:
        extension = visible.select_related(*RELATED).annotate(due_on=current_due()).get(pk=pk)
    except (Extension.DoesNotExist, ValueError):
        raise Http404 from None
    permissions.require_office(user, extension.assignment.item)
    return extension


def _page(request, extension, form, *, status=200):
    context = {
        "extension": extension,
        "item": extension.assignment.item,
        "limit": max_extended_due(extension.assignment),
        "pending": extension.state == Extension.State.PENDING,
        "form": form,
    }
    return render(request, "office/decisions/extension_decide.html", context, status=status)


@login_required
def extension_decide(request, pk):
    """GET: the request, the unit's reason and the current due date; POST: the decision."""
    if request.method == "POST":
        return _decide(request, pk)
    extension = _extension_or_404(request.user, pk)
    form = DecideExtensionForm(initial={"until": extension.requested_until})
    return _page(request, extension, form)


@one_time
def _decide(request, pk):
    extension = _extension_or_404(request.user, pk)
    form = DecideExtensionForm(request.POST)

    def decide(data):
        return decide_extension(
            actor=request.user,
            now=timezone.now(),
            extension=extension,
            grant=form.grants,
            until=data["until"] if form.grants else None,
            note=data["note"],
        )

    def message(decided):
        values = {"unit": decided.assignment.unit, "number": decided.assignment.item.number}
        if decided.state == Extension.State.GRANTED:
            values["until"] = decided.granted_until.isoformat()
            return _("%(unit)s now replies on %(number)s by %(until)s.") % values
        return _("The extension request of %(unit)s on %(number)s was refused.") % values

    outcome = perform(request, form, decide, then=reverse("decisions:extension_queue"), message=message)
    return outcome.response or _page(request, extension, form, status=outcome.status)
