"""Choosing, changing and resetting passwords; whether a login must change its password now.

A reset sets a one-time password, shown once to whoever reset it, and forces a change at the
next login; so does an account made by the office or in the admin. A password older than
PASSWORD_MAX_AGE_DAYS (0: never too old) must be changed too.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import AccountState

# No look-alikes (0/O, 1/l/I) in a password read aloud or copied from a screen.
ALPHABETS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "#%+-=?@")
ONE_TIME_LENGTH = 12


def one_time_password() -> str:
    """A random password with every character class, so that it passes the rules it is judged by."""
    chars = [secrets.choice(alphabet) for alphabet in ALPHABETS]
    everything = "".join(ALPHABETS)
    chars += [secrets.choice(everything) for _ in range(ONE_TIME_LENGTH - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def must_change(user, now) -> bool:
    """Whether `user` must choose a new password before anything else: flagged, or too old."""
    state = AccountState.objects.filter(user=user).first()
    if state is None:
        return False
    if state.must_change_password:
        return True
    too_old_at = expires_at(state)
    return bool(too_old_at and now > too_old_at)


def expires_at(state):
    """When the password of this AccountState becomes too old, or None: never (no age limit, or never changed)."""
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not (max_age and state and state.password_changed_at):
        return None
    return state.password_changed_at + dt.timedelta(max_age)


def require_change(user):
    """The next login must choose a new password (a new account, a reset)."""
    AccountState.objects.update_or_create(user=user, defaults={"must_change_password": True})


def change_own(*, user, now, current, new):
    """The user's own change: the current password first, then the rules; clears a forced change."""
    if not user.check_password(current):
        raise ValidationError({"old_password": _("Your current password was entered incorrectly.")})
    if current == new:
        raise ValidationError({"new_password1": _("The new password must differ from the current one.")})
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from None
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])  # the history validator stamps the time
        AccountState.objects.update_or_create(
            user=user, defaults={"must_change_password": False, "password_changed_at": now}
        )
    return user


def reset(*, user, now, actor=None) -> str:
    """A one-time password for `user`, to be changed at the next login; the caller checked who may.

    The actor is named as simple-history's user, so the audit log records a reset by them.
    """
    password = one_time_password()
    with transaction.atomic():
        user._history_user = actor
        user.set_password(password)
        user.save(update_fields=["password"])
        AccountState.objects.update_or_create(
            user=user, defaults={"must_change_password": True, "password_changed_at": now}
        )
    return password


def reset_by_admin(*, actor, now, user) -> str:
    """A superuser resets anyone's password (an office resets its own people's: workflow.services.staffing)."""
    if actor is None or not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator may reset this password."))
    return reset(user=user, now=now, actor=actor)
