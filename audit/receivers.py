"""What the log hears uncalled: logins, logouts, lockouts, changes of people, roles, units and calendars.

Connected in `AuditConfig.ready`, the watched models by label (the audit app imports no app
above it). A save of a user that changes only the last login is the login itself, already
logged; one that changes the password hash is a password change (by the user) or a reset (by
anyone else, or through a reset link), one row either way.
"""

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save

from .context import current_actor
from .log import record
from .models import Action, Outcome

# Changes of these are audited: people, roles, units and the rules that make deadlines.
WATCHED = (
    "districts.User",
    "districts.Membership",
    "districts.HandlingUnit",
    "districts.UnitContact",
    "deadlines.DeadlinePolicy",
    "deadlines.Holiday",
    "deadlines.CalendarYear",
)
_LOGIN_ONLY = frozenset({"last_login"})


def logged_in(sender, request, user, **kwargs):
    record(action=Action.LOGIN, user=user, request=request)


def logged_out(sender, request, user, **kwargs):
    if user is not None and not getattr(request, "audit_idle_timeout", False):
        record(action=Action.LOGOUT, user=user, request=request)


def login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    if request is not None and getattr(request, "axes_locked_out", False):
        return  # the lockout's own row says it
    record(action=Action.LOGIN_FAILED, outcome=Outcome.FAILED, username=username, request=request)


def locked_out(sender, request, username, ip_address, **kwargs):
    record(action=Action.LOCKED_OUT, outcome=Outcome.REFUSED, username=username or "", request=request)


def end_idle_session(request):
    """The idle timeout ends `request`'s session now: one row (its logout is not logged again)."""
    record(action=Action.SESSION_EXPIRED, user=request.user, request=request)
    request.audit_idle_timeout = True


def _old_password(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and set(update_fields) <= _LOGIN_ONLY):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    instance._audit_old_password = stored.first()


def saved(sender, instance, created, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= _LOGIN_ONLY and sender._meta.label == "districts.User":
        return
    old_password = instance.__dict__.pop("_audit_old_password", None)
    if not created and old_password is not None and old_password != instance.password:
        actor = _actor_of(instance)
        action = Action.PASSWORD_CHANGED if actor is not None and actor.pk == instance.pk else Action.PASSWORD_RESET
        record(action=action, obj=instance, user=_actor_of(instance))
        return
    action = Action.CREATED if created else Action.CHANGED
    record(action=action, obj=instance, user=_actor_of(instance), fields=_changed(update_fields))


def deleted(sender, instance, **kwargs):
    record(action=Action.DELETED, obj=instance, user=_actor_of(instance))


def _actor_of(instance):
    """Who the saving code named for simple-history (`workflow.services.staffing`), else the context's actor."""
    return getattr(instance, "_history_user", None) or current_actor()


def _changed(update_fields):
    return sorted(update_fields) if update_fields else []


def connect():
    user_logged_in.connect(logged_in, dispatch_uid="audit.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="audit.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="audit.login_failed")
    from axes.signals import user_locked_out

    user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
    for label in WATCHED:
        model = apps.get_model(label)
        if label == "districts.User":
            pre_save.connect(_old_password, sender=model, dispatch_uid=f"audit.password.{label}")
        post_save.connect(saved, sender=model, dispatch_uid=f"audit.saved.{label}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"audit.deleted.{label}")
