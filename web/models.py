"""What the front door keeps: the one-time tokens that make a second submit of a form change nothing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmitToken(models.Model):
    """A form that was sent and did what it asked, and where its answer sent the browser.

    Claimed (inserted) in the transaction of the act itself, so a refused or failed act
    leaves no token and can be sent again, and a concurrent second submit waits on the
    unique index until the first has committed. Kept a day (`purge_submit_tokens`).
    """

    token = models.UUIDField(_("token"), unique=True)
    # None: a public form (no login), such as the request for a reply under 依申请公开
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("created at"), db_index=True)
    redirect_to = models.CharField(_("answered with"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self):
        return str(self.token)
