"""Browser import for office staff and admins: upload, preview what will be created, confirm.

Between the preview and the confirmation the file waits in PRIVATE_MEDIA_ROOT/imports/
under a random token that only the uploader's session knows; the confirmation imports
that exact file, and validates it again, so nothing changed meanwhile slips through. The
confirmation is an action (`web.submit.one_time`, post/redirect/get): a second click
answers with the same summary and imports nothing twice.
"""

import secrets
from collections import Counter
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.log import Action, Outcome, record
from imports.columns import COLUMN_HELP, COLUMNS
from imports.errors import ImportRejected
from imports.service import plan_import, run_import
from imports.template import template_workbook
from web.submit import one_time
from workflow import access

from .forms import ImportConfirmForm, ImportUploadForm

SESSION_KEY = "pending_imports"
DONE_KEY = "import_done"
PREVIEW_ROWS = 50


def importable_districts(user):
    """Districts the user may import into (`access.office_districts`); 403 for who acts as no office."""
    if not access.acts_as_office(user):
        raise PermissionDenied(_("Only office staff and administrators may import items."))
    return access.office_districts(user)


def _pending_path(token, suffix):
    return Path(settings.PRIVATE_MEDIA_ROOT) / "imports" / f"{token}{suffix}"


def _forget_previews(request):
    """An upload between preview and confirm holds proposers' names: keep it no longer than needed.

    A new preview replaces this session's earlier ones, and any preview older than a session
    can live (whoever left it can no longer confirm it) is deleted.
    """
    for token, entry in request.session.get(SESSION_KEY, {}).items():
        _pending_path(token, entry["suffix"]).unlink(missing_ok=True)
    request.session[SESSION_KEY] = {}
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "imports"
    cutoff = timezone.now().timestamp() - settings.SESSION_COOKIE_AGE
    for stale in folder.glob("*") if folder.is_dir() else ():
        if stale.is_file() and stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)


def _form_page(request, form, errors=(), status=200):
    columns = [(zh, en, COLUMN_HELP[name]) for name, (zh, en) in COLUMNS.items()]
    context = {"form": form, "errors": errors, "columns": columns}
    return render(request, "imports/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    districts = importable_districts(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, districts=districts)
    if request.method == "GET" or not form.is_valid():
        return _form_page(request, form, status=200 if request.method == "GET" else 400)
    district, upload = form.cleaned_data["district"], form.cleaned_data["file"]
    data = upload.read()
    try:
        plan = plan_import(actor=request.user, now=timezone.now(), district=district, filename=upload.name, data=data)
    except ImportRejected as exc:
        return _form_page(request, form, errors=exc.errors, status=400)
    _forget_previews(request)
    token, suffix = secrets.token_urlsafe(24), PurePath(upload.name).suffix.lower()
    path = _pending_path(token, suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    request.session[SESSION_KEY] = {token: {"district": district.pk, "name": upload.name, "suffix": suffix}}
    return render(
        request,
        "imports/import_preview.html",
        {
            "district": district,
            "file_name": upload.name,
            "plan": plan,
            "preview_rows": plan.rows[:PREVIEW_ROWS],
            "confirm_form": ImportConfirmForm(initial={"token": token}),
        },
    )


@login_required
@require_http_methods(["GET"])
def import_template(request):
    importable_districts(request.user)  # office staff and admins only, like the upload
    response = HttpResponse(
        template_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="import-template.xlsx"'
    return response


@login_required
@one_time
def import_confirm(request):
    districts = importable_districts(request.user)
    form = ImportConfirmForm(request.POST)
    pending = request.session.get(SESSION_KEY, {})
    if not form.is_valid() or form.cleaned_data["token"] not in pending:
        raise Http404(_("This import is unknown or already done."))
    token = form.cleaned_data["token"]
    entry = pending[token]
    district = districts.filter(pk=entry["district"]).first()
    path = _pending_path(token, entry["suffix"])
    if district is None or not path.exists():
        raise Http404(_("This import is unknown or already done."))
    try:
        plan = run_import(
            actor=request.user, now=timezone.now(), district=district, filename=entry["name"], data=path.read_bytes()
        )
    except ImportRejected as exc:
        record(action=Action.IMPORTED, outcome=Outcome.FAILED, obj=district, file=entry["name"], errors=len(exc.errors))
        upload_form = ImportUploadForm(districts=districts, initial={"district": district})
        return _form_page(request, upload_form, errors=exc.errors, status=400)
    finally:
        path.unlink(missing_ok=True)
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending
    record(action=Action.IMPORTED, obj=district, file=entry["name"], items=len(plan.rows))
    # What the summary page shows, kept in the session so that reloading it imports nothing.
    request.session[DONE_KEY] = {
        "district": district.name,
        "file_name": entry["name"],
        "items": len(plan.rows),
        "historical": plan.historical,
        "live": plan.live,
        "units": len(plan.new_units),
        "categories": len(plan.new_categories),
        "proposers": len(plan.new_proposers),
        # The item list shows one year at a time: a link per year the file brought in.
        "years": sorted(Counter(r.year for r in plan.rows).items()),
    }
    return redirect("imports:import_done")


@login_required
@require_http_methods(["GET"])
def import_done(request):
    """The summary of this session's last import, or the import page when there is none."""
    importable_districts(request.user)
    done = request.session.get(DONE_KEY)
    if done is None:
        return redirect("imports:import")
    return render(request, "imports/import_done.html", {"done": done})
