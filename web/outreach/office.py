"""The office's 码上约: counts per deputy and per month of its districts, and one deputy's messages.

Only the office (and administrators) read these; another role is refused (403), a deputy of another
district is "not found". The resident's phone number shows here and to the deputy, nowhere else.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from districts.models import Proposer
from web.actions import perform
from web.submit import one_time
from workflow.access import acts_as_office, office_districts
from workflow.outreach_selectors import counts as outreach_counts
from workflow.outreach_selectors import office_messages
from workflow.services.outreach import set_members_enabled, stage_for_resident

from .forms import MembersForm

PAGE_SIZE = 50


def _require_office(user):
    if not acts_as_office(user):
        raise PermissionDenied(_("Only the district office may do this."))


def _year(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2999 else timezone.localdate().year


@login_required
@require_GET
def counts(request):
    """Received, answered, turned into suggestions and waiting, per deputy and per month of the year."""
    _require_office(request.user)
    year = _year(request)
    by_deputy, by_month, total = outreach_counts(request.user, year=year)
    districts = office_districts(request.user).select_related("outreach_setting")
    context = {"year": year, "by_deputy": by_deputy, "by_month": by_month, "total": total, "districts": districts}
    return render(request, "outreach/counts.html", context)


@login_required
@one_time
def members(request, pk):
    """POST: whether the district's CPPCC members have codes too (the district office's choice)."""
    _require_office(request.user)
    district = get_object_or_404(office_districts(request.user), pk=pk)
    form = MembersForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: set_members_enabled(
            actor=request.user, now=timezone.now(), district=district, enabled=data["enabled"]
        ),
        then=reverse("outreach:counts"),
        message=_("The choice for CPPCC members is saved."),
    )
    if outcome.response:
        return outcome.response
    raise Http404  # the form has one checkbox: nothing can be refused but the district


@login_required
@require_GET
def deputy_messages(request, pk):
    """One deputy's messages, every state, with the residents' phone numbers: the office's reading."""
    _require_office(request.user)
    messages = office_messages(request.user).filter(proposer_id=pk)
    deputy = Proposer.objects.filter(pk=pk, district__in=messages.values("district")).select_related("district")
    deputy = deputy.first()
    if deputy is None:
        raise Http404
    listed = messages.select_related("submission__item").order_by("-received_at", "-pk")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"message": m, "stage": stage_for_resident(m)} for m in page]
    return render(request, "outreach/office_messages.html", {"deputy": deputy, "page": page, "rows": rows})
