"""The 等保 password rules as Django password validators (AUTH_PASSWORD_VALIDATORS).

They run wherever a password is chosen through a form or a service (`validate_password`); a
password set directly with `set_password` (fixtures, tests) is not judged. The history
validator's `password_changed` keeps the hash and the time of every password set and saved,
whichever path set it (our services, the admin, `createsuperuser`).
"""

import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AccountState, PasswordHistory

CLASSES = (
    (str.isupper, "upper"),
    (str.islower, "lower"),
    (str.isdigit, "digit"),
    (lambda c: c in string.punctuation or c == " ", "symbol"),
)


class CharacterClassesValidator:
    """At least `min_classes` of the four classes: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        ascii_password = [c for c in password if c.isascii()]
        found = {name for test, name in CLASSES for c in ascii_password if test(c)}
        if len(found) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "The password must mix at least %(count)d of: upper-case letters, lower-case letters, digits, symbols."
        ) % {"count": self.min_classes}


class NotUsernameValidator:
    """The login name, in any case, may not appear in the password."""

    def validate(self, password, user=None):
        username = (user.get_username() if user is not None else "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self):
        return _("The password may not contain the login name.")


class HistoryValidator:
    """Not one of the last `count` passwords (the current one included); keeps each new one's hash."""

    def __init__(self, count=5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = list(
            PasswordHistory.objects.filter(user=user)
            .order_by("-created_at", "-pk")
            .values_list("password", flat=True)[: self.count]
        )
        if user.password and user.password not in hashes:  # set before the history was kept
            hashes = [user.password, *hashes[: self.count - 1]]
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep[: self.count])).delete()
        AccountState.objects.update_or_create(user=user, defaults={"password_changed_at": timezone.now()})

    def get_help_text(self):
        return _("The password may not be one of your last %(count)d passwords.") % {"count": self.count}
