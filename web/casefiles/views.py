"""The case file (一案一册) in the browser: one item printable or as a PDF, and a list's bundle built by a worker.

Only the district's office and leaders (and administrators) read case files (`casefiles.access`):
anyone else is refused (403) on an item they see, and told "not found" on one they cannot see.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET

from audit.log import Action, record
from casefiles.access import reads_case_files
from casefiles.bundles import TooMany, request_bundle
from casefiles.content import case_files
from casefiles.models import CaseFileBundle
from casefiles.pdf import render as render_pdf
from reports.exports.pdf import MissingFont
from web.items.filters import ItemFilter
from web.submit import one_time
from workflow.selectors import visible_items

ONLY_READERS = gettext_lazy("Only the district office and leaders read case files.")


def _case_file(request, pk):
    """The item's case file; 403 on an item the reader sees but whose case file is not theirs (a unit's, a
    proposer's own item), 404 on one outside the reader's scope, like every refusal (`web.refusals`)."""
    found = case_files(request.user, [pk])
    if found:
        return found[0]
    if visible_items(request.user).filter(pk=pk).exists():
        raise PermissionDenied(ONLY_READERS)
    raise Http404(gettext("This item does not exist or is not yours to see."))


@login_required
@require_GET
def case_file(request, pk):
    """The printable page: everything of one item, in the reader's language."""
    return render(request, "casefiles/case_file.html", {"case": _case_file(request, pk)})


@login_required
@require_GET
def case_file_pdf(request, pk):
    case = _case_file(request, pk)
    try:
        data = render_pdf([case], title=f"{case.item.number} {case.item.title}")
    except MissingFont as exc:
        return render(request, "400.html", {"detail": str(exc)}, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"case-file-{case.item.year}-{case.item.number}.pdf"
    record(action=Action.DOWNLOADED, obj=case.item, file=name)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@one_time
def bundle_new(request):
    """A bundle of the items the list shows with the filters it was sent (`query`: the list's query string).

    With `ticked` (the list's button for its ticked rows), only the rows ticked (`items`) among them.
    """
    if not reads_case_files(request.user):
        raise PermissionDenied(ONLY_READERS)
    filters = ItemFilter(QueryDict(request.POST.get("query", "")), visible_items(request.user), request=request)
    if not filters.is_valid():
        return render(request, "400.html", {"detail": gettext("The list's filters are not valid.")}, status=400)
    items = filters.qs
    if "ticked" in request.POST:  # the list's "Case files of the ticked items": its ticked rows (`items`) only
        ticked = [value for value in request.POST.getlist("items") if value.isdigit()]
        if not ticked:
            return render(request, "400.html", {"detail": gettext("Tick at least one item.")}, status=400)
        items = items.filter(pk__in=ticked)
    try:
        bundle = request_bundle(user=request.user, items=items, language=translation.get_language(), now=timezone.now())
    except TooMany as exc:
        return render(request, "400.html", {"detail": str(exc)}, status=400)
    return redirect("casefiles:bundle", bundle.pk)


def _bundle(request, pk):
    return get_object_or_404(CaseFileBundle, pk=pk, requested_by=request.user)


@login_required
@require_GET
def bundle(request, pk):
    """The bundle's progress; htmx asks again every two seconds until it is ready or failed."""
    bundle = _bundle(request, pk)
    template = "casefiles/_bundle_status.html" if request.htmx else "casefiles/bundle.html"
    return render(request, template, {"bundle": bundle})


@login_required
@require_GET
def bundle_download(request, pk):
    bundle = _bundle(request, pk)
    if bundle.state != CaseFileBundle.State.READY:
        raise Http404(gettext("This bundle is not ready."))
    name = f"case-files-{bundle.requested_at:%Y%m%d-%H%M}.pdf"
    record(action=Action.DOWNLOADED, obj=bundle, file=name)
    return FileResponse(bundle.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")
