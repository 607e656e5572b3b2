"""What a report page is asked for: district, year, body (and a period for the bulletin)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Body

FIRST_YEAR, LAST_YEAR = 1980, 2100  # the years a report may cover; a date far outside overflows the date sums


class ReportForm(forms.Form):
    """District, year and body of the yearly figures; the districts are the ones the user may report on."""

    district = forms.ChoiceField(label=_("District"))
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    body = forms.ChoiceField(label=_("Body"), choices=Body.choices, initial=Body.CPPCC)

    def __init__(self, data, *, districts):
        data = data.copy()
        data.setdefault("district", districts[0].code if districts else "")
        data.setdefault("year", str(timezone.localdate().year))
        data.setdefault("body", Body.CPPCC)
        super().__init__(data)
        self.fields["district"].choices = [(d.code, d.name) for d in districts]


class BulletinForm(ReportForm):
    """The bulletin covers a period rather than a year: by default the last three months to today."""

    year = None
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
