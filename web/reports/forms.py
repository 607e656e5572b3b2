"""What a report page is asked for: district, year, body, optionally one kind (and a period for the bulletin)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Body
from proposals.models import Kind, kind_fits_body

FIRST_YEAR, LAST_YEAR = 1980, 2100  # the years a report may cover; a date far outside overflows the date sums


def body_kinds(body):
    """The kinds of item that belong to `body` (city items belong to both)."""
    return [kind for kind in Kind if kind_fits_body(kind, body)]


class ReportForm(forms.Form):
    """District, year, body and optionally one kind of the yearly figures; the districts are the user's.

    Without a kind the report covers the body's ordinary items; community opinions and city
    items are reported apart (domain §6). The list offers the kinds of the body asked for.
    """

    district = forms.ChoiceField(label=_("District"))
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    body = forms.ChoiceField(label=_("Body"), choices=Body.choices, initial=Body.CPPCC)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Ordinary items")), *Kind.choices], required=False)

    def __init__(self, data, *, districts):
        data = data.copy()
        data.setdefault("district", districts[0].code if districts else "")
        data.setdefault("year", str(timezone.localdate().year))
        data.setdefault("body", Body.CPPCC)
        super().__init__(data)
        self.fields["district"].choices = [(d.code, d.name) for d in districts]
        if "kind" in self.fields:
            # The list shows the body's kinds; the field takes every kind, so another body's gets `clean`'s message.
            body = data["body"] if data["body"] in Body.values else Body.CPPCC
            self.fields["kind"].widget.choices = [
                ("", _("Ordinary items")),
                *((k.value, k.label) for k in body_kinds(body)),
            ]

    def clean(self):
        cleaned = super().clean()
        kind, body = cleaned.get("kind"), cleaned.get("body")
        if kind and body and not kind_fits_body(kind, body):
            self.add_error("kind", _("This kind of item does not belong to that body."))
        return cleaned


class BulletinForm(ReportForm):
    """The bulletin covers a period rather than a year: by default the last three months to today."""

    year = None
    kind = None
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, districts):
        data = data.copy()
        today = timezone.localdate()
        data.setdefault("end", today.isoformat())
        data.setdefault("start", (today.replace(day=1) - dt.timedelta(days=62)).replace(day=1).isoformat())
        super().__init__(data, districts=districts)

    def clean(self):
        cleaned = super().clean()
        first, last = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
        for name in ("start", "end"):
            day = cleaned.get(name)
            if day and not first <= day <= last:
                self.add_error(name, _("Choose a date from %(first)s to %(last)s.") % {"first": first, "last": last})
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The period must start before it ends."))
        return cleaned
