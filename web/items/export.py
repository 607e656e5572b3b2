"""The item list as an Excel workbook (`/items/export.xlsx?<the list's query string>`).

Every row the list's filters match, not only a page, with the columns the page shows plus the
session, the due date and the working days overdue; the header in the reader's language. The rows
come from the list's own query (`listing.list_rows`, narrowed by `ItemFilter`) read in chunks, so an
export costs the same queries for 3 items or 20,000: the request's overhead, the filter's choices,
and the rows, whose first one says how many match (`listing.match_counts`). A
list longer than `MAX_ROWS` is refused with a message saying so before anything is written.

Text cells are written as strings, never formulas (`reports.exports.xlsx.text_cell`): a title typed or
imported as "=HYPERLINK(…)" stays text in Excel.
"""

import io
import itertools

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from audit.log import Action, record
from reports.exports.xlsx import HEADER_FILL, text_cell

from .filters import ItemFilter
from .listing import attach_leads, list_rows, match_counts, row_labels

MAX_ROWS = 20_000
CHUNK = 1_000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _columns():
    """(header, width) of each column, in the reader's language."""
    return [
        (_("Number"), 12),
        (_("Year"), 7),
        (_("Kind"), 12),
        (_("Session"), 14),
        (_("Title"), 50),
        (_("Key item"), 9),
        (_("Lead proposer"), 16),
        (_("Lead units"), 24),
        (_("Category"), 14),
        (_("Stage"), 14),
        (_("Last change"), 12),
        (_("Waits for"), 18),
        (_("Waiting on"), 14),
        (_("Due date"), 12),
        (_("Working days overdue"), 10),
    ]


def _values(item):
    """The cells of one item's row, as the page shows them."""
    item, stage, waits_for, waiting_on = row_labels(attach_leads(item))
    return [
        item.number,
        item.year,
        item.get_kind_display(),
        str(item.session) if item.session_id else "",
        item.title,
        _("Yes") if item.is_key else "",
        "、".join(str(link.proposer) for link in item.lead_proposers),
        "、".join(assignment.unit.name for assignment in item.lead_assignments),  # the page's tag shows the short name
        str(item.category) if item.category_id else "",
        str(stage),
        timezone.localdate(item.last_change_at) if item.last_change_at else None,
        str(waits_for),
        str(waiting_on),
        item.earliest_due_on,
        item.overdue_workdays if item.is_overdue else None,
    ]


def _cell(ws, value):
    cell = WriteOnlyCell(ws)
    if value is None or value == "":
        return cell
    if isinstance(value, str):
        text_cell(cell, value)
    else:
        cell.value = value
        if hasattr(value, "isoformat"):
            cell.number_format = "yyyy-mm-dd"
    return cell


def _too_many(request, count):
    detail = ngettext(
        "This list holds %(count)s item; an export holds at most %(max)s. Narrow the filters (a year, a body, a "
        "stage) and export again.",
        "This list holds %(count)s items; an export holds at most %(max)s. Narrow the filters (a year, a body, a "
        "stage) and export again.",
        count,
    ) % {"count": f"{count:,}", "max": f"{MAX_ROWS:,}"}
    return render(request, "400.html", {"detail": detail}, status=400)


def _filename(districts, years):
    """items-<district>-<year>.xlsx, naming the district and year when every row shares one."""
    district = districts.pop() if len(districts) == 1 else "all-districts"
    year = str(years.pop()) if len(years) == 1 else "all-years"
    return f"items-{district}-{year}.xlsx"


@login_required
@require_GET
def item_export(request):
    """The filtered list as .xlsx; bad filters or too long a list answer 400 saying what is wrong."""
    filters = ItemFilter(request.GET, list_rows(request.user), request=request)
    if not filters.is_valid():
        return render(
            request, "400.html", {"detail": _("Some filters are not valid: correct them in the list.")}, status=400
        )
    items = filters.qs.select_related("session", "district")
    items = items.annotate(totals=match_counts(items))

    rows = items.iterator(chunk_size=CHUNK)
    first = next(rows, None)
    if first is not None and first.totals["matching"] > MAX_ROWS:
        return _too_many(request, first.totals["matching"])  # before a workbook is begun

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Items"))
    columns = _columns()
    for c, (_label, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    header = []
    for label, _width in columns:
        cell = _cell(ws, str(label))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    ws.append(header)

    districts, years = set(), set()
    for item in itertools.chain([first] if first is not None else [], rows):
        districts.add(item.district.code)
        years.add(item.year)
        ws.append([_cell(ws, value) for value in _values(item)])

    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPE)
    name = _filename(districts, years)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    record(action=Action.EXPORTED, file=name)  # the filters: the request's query, kept with it
    return response
