"""The portal's search form: every choice is built from lists the page reads anyway, so checking
a submitted value costs no query."""

from operator import attrgetter

from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import Body


def _choices(rows, label):
    return [("", _("All")), *((str(row.pk), label(row)) for row in rows)]


class Search(forms.Form):
    q = forms.CharField(
        label=_("Words in the title or the reply"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 交通")}),
    )
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    body = forms.ChoiceField(label=_("Body"), required=False, choices=[("", _("All")), *Body.choices])
    session = forms.TypedChoiceField(label=_("Session"), required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label=_("Handling unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, years, districts=None, sessions=None, categories=None, units=None):
        """A district's page offers its sessions, categories and units; the search of all districts
        offers the districts instead (a session or unit belongs to one district)."""
        super().__init__(data)
        self.fields["year"].choices = [("", _("All")), *((str(y), str(y)) for y in years)]
        if districts is None:
            del self.fields["district"]
        else:
            self.fields["district"].choices = _choices(districts, attrgetter("name"))
        named = attrgetter("name")
        for field, rows, label in (
            ("session", sessions, lambda s: f"{s.year} {s.label}"),
            ("category", categories, named),
            ("unit", units, named),
        ):
            if rows is None:
                del self.fields[field]
            else:
                self.fields[field].choices = _choices(rows, label)

    def filters(self):
        """The chosen filters as column values of `PublishedReply` (nothing chosen when invalid)."""
        if not self.is_valid():
            return {}
        columns = {"district": "district_id", "session": "session_id", "category": "category_id", "unit": "unit_id"}
        chosen = {k: v for k, v in self.cleaned_data.items() if k != "q" and v not in (None, "")}
        return {columns.get(k, k): v for k, v in chosen.items()}
