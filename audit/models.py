"""The audit entry: one append-only row per security-relevant act (docs/security.md, "Audit log")."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("login failed")
    LOCKED_OUT = "locked_out", _("locked out")
    LOGOUT = "logout", _("logged out")
    SESSION_EXPIRED = "session_expired", _("session ended after idle time")
    PASSWORD_CHANGED = "password_changed", _("password changed")
    PASSWORD_RESET = "password_reset", _("password reset")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    REFUSED = "refused", _("access refused")
    EXPORTED = "exported", _("exported")
    DOWNLOADED = "downloaded", _("downloaded")
    IMPORTED = "imported", _("imported")
    CREATED = "created", _("record created")
    CHANGED = "changed", _("record changed")
    DELETED = "deleted", _("record deleted")
    PURGED = "purged", _("audit log purged")


class Outcome(models.TextChoices):
    OK = "ok", _("ok")
    REFUSED = "refused", _("refused")
    FAILED = "failed", _("failed")


class AuditEntry(models.Model):
    """Never updated nor deleted: on PostgreSQL a trigger refuses both; old months go by dropping partitions.

    The user is a plain column, not a constraint: deleting a user must neither fail nor rewrite
    their entries, and the name kept beside it still says who it was.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.OK)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.outcome}"
