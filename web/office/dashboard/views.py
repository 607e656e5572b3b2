"""The office's landing page (`/office/`): the year's work of its district at a glance.

For the chosen district, year and body (defaults: the clerk's district, this year, the first body
with items) it shows counts by stage, overdue work by kind and by unit, the office's own work
(replies to review, returned assignments, extension requests), key items by leader and feedback
windows ending. Every count links to the item list filtered to exactly those items; the figures
are `figures.dashboard_figures` (named queries, counted in the database).
"""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deadlines.notices import warn_missing_years
from districts.models import Body, District, Role
from districts.selectors import active_memberships
from web.items.filters import AWAITS_OFFICE_CHOICES, FEEDBACK_ENDING_DAYS
from web.items.labels import STAGES
from workflow.access import is_admin
from workflow.errors import NotAllowed

from .figures import dashboard_figures, stage_counts


class DashboardForm(forms.Form):
    """What the dashboard shows: parsed from the query string, each field optional (its default applies)."""

    district = forms.IntegerField(label=gettext_lazy("District"), required=False, min_value=1)
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=1980, max_value=2100)
    body = forms.ChoiceField(label=gettext_lazy("Body"), required=False, choices=[("", ""), *Body.choices])


def office_districts_of(user):
    """The active districts `user` works in as the office, in their order: one query for an admin, none else."""
    if is_admin(user):
        return list(District.objects.filter(is_active=True).order_by("sort_order", "name"))
    seen = {}
    for m in active_memberships(user):
        if m.role == Role.OFFICE and m.district.is_active:
            seen.setdefault(m.district_id, m.district)
    return sorted(seen.values(), key=lambda d: (d.sort_order, d.name))


def _link(base, **filters):
    return f"{reverse('items:list')}?{urlencode({**base, **filters})}"


def _sections(figures, base, body_counts):
    """What the template shows: each count with its words and the link to its list."""
    stages = [
        {"label": label, "count": body_counts.get(stage, 0), "url": _link(base, stage=stage)} for stage, label in STAGES
    ]
    office = [
        {
            "label": _("Items to review for registration"),
            "count": body_counts.get("received", 0),
            "url": _link(base, stage="received"),
        },
        {
            "label": _("Items to assign"),
            "count": body_counts.get("registered", 0),
            "url": _link(base, stage="registered"),
        },
    ]
    words = {
        "office_review": _("Replies waiting for the office's review"),
        "reassignment": _("Returned assignments awaiting reassignment"),
        "extension": _("Extension requests to decide"),
    }
    office += [
        {"label": words[name], "count": figures.office[name], "url": _link(base, awaits_office=name)}
        for name, _label in AWAITS_OFFICE_CHOICES
    ]
    office.append(
        {
            "label": _("Feedback windows ending within %(days)s days") % {"days": FEEDBACK_ENDING_DAYS},
            "count": figures.feedback_ending,
            "url": _link(base, feedback_ending="on"),
        }
    )
    kinds = [{"label": label, "count": n, "url": _link(base, overdue_kind=name)} for name, label, n in figures.by_kind]
    units = [{"label": name, "count": n, "url": _link(base, overdue_unit=pk)} for pk, name, n in figures.by_unit]
    leaders = []
    for row in figures.leaders:
        who = {"key": "on", "leader": row["id"] if row["id"] is not None else "null"}
        leaders.append(
            {
                "label": row["name"] or _("No supervising leader"),
                "total": row["total"],
                "total_url": _link(base, **who),
                "closed": row["closed"],
                "closed_url": _link(base, stage="closed", **who),
                "overdue": row["overdue"],
                "overdue_url": _link(base, overdue="on", **who),
            }
        )
    return {"stages": stages, "office_work": office, "kinds": kinds, "units": units, "leaders": leaders}


@login_required
def dashboard(request):
    """The dashboard of one district, year and body; a bad choice in the query string is a form error (400)."""
    districts = office_districts_of(request.user)
    if not districts:
        raise NotAllowed(_("The dashboard is the district office's."))
    warn_missing_years(request)
    form = DashboardForm(request.GET)
    context = {"form": form, "districts": districts, "role_label": Role.OFFICE.label}
    if not form.is_valid():
        return render(request, "office/dashboard/dashboard.html", context, status=400)
    today = timezone.localdate()
    chosen = form.cleaned_data
    district = districts[0]
    if chosen["district"] is not None:
        district = next((d for d in districts if d.pk == chosen["district"]), None)
        if district is None:
            raise Http404  # another district's: told as missing
    year = chosen["year"] or today.year
    bodies = stage_counts(district, year, today)
    body = chosen["body"] or next(iter(bodies), Body.NPC)
    figures = dashboard_figures(district, year, body, today, bodies=bodies)
    body_counts = bodies.get(body, {})
    base = {"district": district.pk, "year": year, "body": body}
    # The other body's items waiting at intake, named with a link: a clerk shown one body would
    # otherwise see zeros while the other's items wait (from query 1, no query of its own).
    elsewhere = [
        {
            "label": Body(other).label,
            "received": counts.get("received", 0),
            "registered": counts.get("registered", 0),
            "url": f"{reverse('dashboard:index')}?{urlencode({'district': district.pk, 'year': year, 'body': other})}",
        }
        for other, counts in bodies.items()
        if other != body and counts.get("received", 0) + counts.get("registered", 0)
    ]
    first = min(y for y in (figures.first_year, today.year, year) if y is not None)
    last = max(y for y in (figures.last_year, today.year, year) if y is not None)
    context.update(
        district=district,
        year=year,
        body=body,
        body_label=Body(body).label,
        years=range(last, first - 1, -1),
        bodies=Body.choices,
        elsewhere=elsewhere,
        total=body_counts.get("total", 0),
        total_url=_link(base),
        overdue=body_counts.get("overdue", 0),
        overdue_url=_link(base, overdue="on"),
        key=body_counts.get("key", 0),
        key_url=_link(base, key="on"),
        mine_url=f"{reverse('items:list')}?year=&mine=on",
        all_overdue_url=f"{reverse('items:list')}?year=&overdue=on",
        **_sections(figures, base, body_counts),
    )
    return render(request, "office/dashboard/dashboard.html", context)
