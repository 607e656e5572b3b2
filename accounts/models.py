"""What the password rules and the second factor keep per user and per district."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountState(models.Model):
    """A login's password state. No row (accounts made by tests or before this app) means nothing to force."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="account_state"
    )
    must_change_password = models.BooleanField(
        _("must change password"), default=False, help_text=_("Set when the account is created or reset.")
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account state")
        verbose_name_plural = _("account states")

    def __str__(self):
        return str(self.user)


class PasswordHistory(models.Model):
    """The hash of a password once set: a new one may not be one of the last few."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("password history")
        verbose_name_plural = _("password history")
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_history_user_recent")]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class DistrictSecurity(models.Model):
    """A district's own choice: whether its office staff log in with a second factor."""

    district = models.OneToOneField("districts.District", on_delete=models.CASCADE, related_name="security")
    office_requires_otp = models.BooleanField(
        _("office staff need a second factor"),
        default=False,
        help_text=_("Office staff of this district confirm each login with a code from an authenticator app."),
    )

    class Meta:
        verbose_name = _("district security")
        verbose_name_plural = _("district security")

    def __str__(self):
        return str(self.district)
