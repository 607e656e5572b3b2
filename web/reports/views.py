"""Report pages for office staff, district leaders and administrators: parse, compute, render.

Who may see a district's reports: its office staff and leaders, a city-level admin and a
superuser. Anyone else with a role gets 403; a district outside the user's reach is
answered 404, like every object outside a user's scope.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.log import Action, record
from districts.models import Body, District
from proposals.models import Kind
from reports import exports, rollup
from reports.bulletin import bulletin_sections, status_bulletin
from reports.charts import PALETTE
from reports.exports import docx as docx_export
from reports.exports import draft
from reports.exports.pdf import MissingFont
from reports.exports.tables import annual_tables, display_rows, figure_labels, report_subtitle, summary_rows
from reports.units import replies_by_month, unit_statistics, units_table
from workflow import access
from workflow.errors import WorkflowError

from .forms import BulletinForm, ReportForm


def report_districts(user) -> list[District]:
    """The districts `user` may report on (`access.report_districts`); 403 when their roles allow no reports."""
    if not access.reads_reports(user):
        raise PermissionDenied(_("Reports are for office staff, district leaders and administrators."))
    return list(access.report_districts(user))


def _selection(request, form_class):
    """The valid form and its district, or the invalid form; 404 for a district outside the user's reach."""
    districts = report_districts(request.user)
    form = form_class(request.GET, districts=districts)
    code = form.data.get("district")
    district = next((d for d in districts if d.code == code), None)
    if district is None:
        raise Http404(_("No such district."))
    return form, district


def _scope(form):
    """Year, body and kind (None: the body's ordinary items) the form asks for."""
    data = form.cleaned_data
    return {"year": data["year"], "body": data["body"], "kind": data.get("kind") or None}


def _report(form, district):
    """The report from the yearly rollup where it answers (reports.rollup), and where each year's figures came from."""
    return rollup.annual_report(district=district, **_scope(form))


def _attachment(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[name.rsplit(".", 1)[-1]])
    record(action=Action.EXPORTED, file=name)  # the filters: the request's query, kept with it
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _no_file(error: WorkflowError) -> HttpResponse:
    """A file that cannot be made (the district has no scheme yet): 404 saying why, as plain text."""
    return HttpResponseNotFound(error.message, content_type="text/plain; charset=utf-8")


def _no_font(error: MissingFont) -> HttpResponse:
    """A PDF the server cannot make (no CJK font installed): 503 saying what to install, as plain text."""
    return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")


def _chart_data(report, stats, months):
    return {
        "palette": list(PALETTE),
        "outcomes": {
            "labels": [r["label"] for r in report["by_outcome"]],
            "counts": [r["count"] for r in report["by_outcome"]],
        },
        "categories": {
            "labels": [r["label"] for r in report["by_category"]],
            "counts": [r["count"] for r in report["by_category"]],
        },
        "months": {"labels": [m for m, _n in months], "counts": [n for _m, n in months], "label": _("Items answered")},
        "units": {
            "labels": [str(r.unit) for r in stats.rows if r.led or r.co],
            "series": [
                {"label": _("Items led"), "data": [r.led for r in stats.rows if r.led or r.co]},
                {"label": _("Items co-handled"), "data": [r.co for r in stats.rows if r.led or r.co]},
                {
                    "label": _("Overdue on the report date"),
                    "data": [r.overdue_now for r in stats.rows if r.led or r.co],
                },
            ],
        },
    }


@login_required
def annual(request):
    form, district = _selection(request, ReportForm)
    context = {"form": form, "district": district, "formats": exports.FORMATS}
    if form.is_valid():
        try:
            report, sources = _report(form, district)
        except WorkflowError as error:
            context["error"] = error.message
        else:
            context["report_sources"] = sources  # "rollup" or "tables" by (district id, year); for tests
            scope = _scope(form)
            stats = unit_statistics(district=district, **scope)
            unit_table = units_table(stats)
            months = replies_by_month(district=district, **scope)
            labels = figure_labels()
            context.update(
                report=report,
                subtitle=report_subtitle(report),
                summary=[
                    (labels[key], kind, value, before, change)
                    for key, kind, value, before, change in summary_rows(report)
                ],
                body_label=Body(scope["body"]).label,
                kind_label=Kind(scope["kind"]).label if scope["kind"] else "",
                tables=[(table, display_rows(table)) for table in annual_tables(report)[1:]],
                draft=draft.sections(report),
                units=unit_table,
                unit_rows=display_rows(unit_table),
                charts=_chart_data(report, stats, months),
                query=request.GET.urlencode(),
            )
    return render(request, "reports/annual.html", context)


@login_required
def annual_export(request, fmt):
    form, district = _selection(request, ReportForm)
    if fmt not in exports.FORMATS or not form.is_valid():
        raise Http404(_("No such export."))
    try:
        report, _sources = _report(form, district)
    except WorkflowError as error:
        return _no_file(error)
    table = request.GET.get("table") or None
    try:
        data = exports.render(report, fmt, table=table)
    except exports.UnknownFormat as error:
        raise Http404(str(error)) from error
    except MissingFont as error:
        return _no_font(error)
    return _attachment(data, fmt, exports.filename(report, fmt, table=table))


def _unit_stats(form, district):
    return unit_statistics(district=district, **_scope(form))


@login_required
def units(request):
    form, district = _selection(request, ReportForm)
    context = {"form": form, "district": district, "formats": ("xlsx", "pdf", "csv")}
    if form.is_valid():
        try:
            table = units_table(_unit_stats(form, district))
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            context.update(table=table, rows=display_rows(table), query=request.GET.urlencode())
    return render(request, "reports/units.html", context)


@login_required
def units_export(request, fmt):
    form, district = _selection(request, ReportForm)
    if fmt not in ("xlsx", "pdf", "csv") or not form.is_valid():
        raise Http404(_("No such export."))
    try:
        table = units_table(_unit_stats(form, district))
    except WorkflowError as error:
        return _no_file(error)
    scope = _scope(form)
    kind = Kind(scope["kind"]) if scope["kind"] else None
    title = " ".join(str(part) for part in (district.name, scope["year"], kind and kind.label, table.title) if part)
    stem = "-".join(str(part) for part in (district.code, scope["year"], scope["body"], kind) if part)
    try:
        data = exports.render_tables(title, [table], fmt)
    except MissingFont as error:
        return _no_font(error)
    return _attachment(data, fmt, f"{stem}-units.{fmt}")


def _bulletin(form, district):
    data = form.cleaned_data
    return status_bulletin(district=district, body=data["body"], start=data["start"], end=data["end"])


@login_required
def bulletin(request):
    form, district = _selection(request, BulletinForm)
    context = {"form": form, "district": district}
    if form.is_valid():
        result = _bulletin(form, district)
        context.update(bulletin=result, sections=bulletin_sections(result), query=request.GET.urlencode())
    return render(request, "reports/bulletin.html", context)


@login_required
def bulletin_export(request):
    form, district = _selection(request, BulletinForm)
    if not form.is_valid():
        raise Http404(_("No such export."))
    data = form.cleaned_data
    name = f"{district.code}-{data['body']}-bulletin-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.docx"
    return _attachment(docx_export.render_bulletin(_bulletin(form, district)), "docx", name)
