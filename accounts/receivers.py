"""At login: note in the session whether the password must change and whether a second factor is due.

An account added in the admin must change its password at first login (the admin logs the
addition; an office's new people are flagged by `workflow.services.staffing`).
"""

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from . import passwords, secondfactor, session


@receiver(user_logged_in, dispatch_uid="accounts-login-flags")
def note_what_is_due(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if passwords.must_change(user, timezone.now()):
        request.session[session.MUST_CHANGE] = True
    if secondfactor.office_requires_otp(user):
        request.session[session.NEEDS_OTP] = True


@receiver(post_save, sender=LogEntry, dispatch_uid="accounts-admin-added-user")
def new_admin_account_changes_password(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.action_flag != ADDITION:
        return
    if instance.content_type_id != ContentType.objects.get_for_model(get_user_model()).pk:
        return
    user = get_user_model().objects.filter(pk=instance.object_id).first()
    if user is not None:
        passwords.require_change(user)
