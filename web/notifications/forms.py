"""The user's own notification settings: email and SMS on or off, and the language of the texts.

The form validates and changes nothing; `views.save_notification_settings` stores
what it cleaned. A channel the user has no address for cannot be turned on here: the address
is kept by the office or the administrator, so the checkbox is disabled and a crafted "on" is
refused rather than stored.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.backends import sms_configured

MISSING_ADDRESS = {
    "email": gettext_lazy("Email cannot be turned on: you have no email address on record."),
    "sms": gettext_lazy("SMS cannot be turned on: you have no mobile number on record."),
}
SMS_OFF = gettext_lazy("SMS cannot be turned on: this site sends no SMS.")


class NotificationSettingsForm(forms.Form):
    email = forms.BooleanField(label=gettext_lazy("Email"), label_suffix="", required=False)
    sms = forms.BooleanField(label=gettext_lazy("SMS"), label_suffix="", required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of notifications"),
        required=False,
        help_text=gettext_lazy(
            "Reminders and notices in the bell, by email and by SMS are written in this language. "
            "These pages use it too, unless you pick another one with the language switch at the top."
        ),
    )

    def __init__(self, data=None, *, user, preference):
        """`preference` is the user's row, or an unsaved default one (every channel on) when they have none."""
        self.addresses = {"email": user.email, "sms": user.phone}
        self.sms_offered = sms_configured()  # a site without an SMS gateway offers no SMS at all
        super().__init__(
            data,
            initial={
                "email": bool(user.email) and preference.email,
                "sms": bool(user.phone) and preference.sms and self.sms_offered,
                "language": user.language,
            },
        )
        site_default = dict(settings.LANGUAGES)[settings.LANGUAGE_CODE]
        self.fields["language"].choices = [
            ("", _("Site default (%(language)s)") % {"language": site_default}),
            *settings.LANGUAGES,
        ]
        for name, address in self.addresses.items():
            if not address:
                self.fields[name].widget.attrs.update({"disabled": True, "aria-describedby": f"{name}-missing"})
        if not self.sms_offered:
            self.fields["sms"].widget.attrs.update({"disabled": True, "aria-describedby": "sms-off"})

    def clean(self):
        cleaned = super().clean()
        for name, message in MISSING_ADDRESS.items():
            if cleaned.get(name) and not self.addresses[name]:
                self.add_error(name, message)
        if cleaned.get("sms") and not self.sms_offered:
            self.add_error("sms", SMS_OFF)
        return cleaned

    def changes(self):
        """(channels, language) to store; only the channels the user has an address for.

        A channel without an address keeps its stored choice, so when the office adds the
        address later the user gets what they last chose (or, never having chosen, every channel).
        """
        channels = {name: self.cleaned_data[name] for name, address in self.addresses.items() if address}
        if not self.sms_offered:
            channels.pop("sms", None)
        return channels, self.cleaned_data["language"]
