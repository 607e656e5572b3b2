"""Forms of the browser import: they validate the upload and the confirmation, and change nothing."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from districts.models import District


class ImportUploadForm(forms.Form):
    district = forms.ModelChoiceField(queryset=District.objects.none(), label=_("District"))
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An .xlsx or .csv file (UTF-8 or GB18030) with one row per item; see the column list below."),
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        if districts.count() == 1:
            self.fields["district"].initial = districts.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than the upload limit."))
        return upload


class ImportConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[A-Za-z0-9_-]{20,64}$", widget=forms.HiddenInput)
