"""The admin site's permissions of the separated administrator roles (三员分立).

Each administrator holds the model permissions of their duty through their role, never through
groups or permissions ticked on the account: what a duty may touch is read here, the same for
every deployment. None of them is given items, replies, events or notifications: they run the
deployment, they do not read the work. Staff status comes with the role too (`sync_staff`).
"""

from functools import cache

from django.apps import apps
from django.contrib.auth.backends import BaseBackend

from .models import ADMINISTRATOR_ROLES, Role
from .selectors import active_memberships

ALL = ("add", "change", "delete", "view")
KEEP = ("add", "change", "view")  # nothing kept here is deleted: rows are PROTECTed, ended by `is_active`
READ = ("view",)

# Per role: "app.model" or a whole "app" (when installed) → the actions granted on it.
DUTIES = {
    # 系统管理员: accounts, districts, units, people and the configuration the workflow reads.
    Role.SYSTEM_ADMIN: {
        "districts.user": KEEP,
        "districts.district": KEEP,
        "districts.handlingunit": KEEP,
        "districts.unitcontact": KEEP,
        "districts.proposer": KEEP,
        "proposals.session": KEEP,
        "proposals.category": KEEP,
        "deadlines.holiday": ALL,
        "deadlines.calendaryear": KEEP,
        "deadlines.deadlinepolicy": KEEP,
        "workflow.outcomescheme": KEEP,
        "workflow.outcomecategory": KEEP,
        "workflow.ratingscale": KEEP,
        "workflow.ratingvalue": KEEP,
        "workflow.bodysetting": KEEP,
    },
    # 安全管理员: accounts and roles, tokens, lockouts, password and second-factor policy.
    Role.SECURITY_ADMIN: {
        "districts.user": KEEP,
        "districts.membership": KEEP,
        "auth.group": ALL,
        "auth.permission": READ,
        "knox.authtoken": ("view", "delete"),  # revoking a token is deleting it
        "axes.accessattempt": ("view", "delete"),  # unlocking an account is deleting its attempts
        "axes.accessfailurelog": READ,
        "accounts": ALL,
        "otp_totp": ALL,
        "otp_static": ALL,
    },
    # 审计管理员: reads the security audit log, Django's admin log and the login records; changes nothing.
    Role.AUDIT_ADMIN: {
        "audit.auditentry": READ,
        "admin.logentry": READ,
        "axes.accesslog": READ,
        "axes.accessfailurelog": READ,
    },
}


def _models(target):
    if "." in target:
        app_label, model_name = target.split(".")
        return [(app_label, model_name)]
    if target not in apps.app_configs:  # an app this deployment does not install
        return []
    return [(target, model._meta.model_name) for model in apps.get_app_config(target).get_models()]


@cache
def duty_permissions(role) -> frozenset:
    """The permission names ("app.action_model") an administrator role holds."""
    return frozenset(
        f"{app_label}.{action}_{model_name}"
        for target, actions in DUTIES[role].items()
        for app_label, model_name in _models(target)
        for action in actions
    )


class AdministratorRoleBackend(BaseBackend):
    """Authenticates no one: answers what an active administrator role permits in the admin site."""

    def get_user_permissions(self, user_obj, obj=None):
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        held = set()
        for membership in active_memberships(user_obj):
            if membership.role in ADMINISTRATOR_ROLES:
                held |= duty_permissions(membership.role)
        return held

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))
