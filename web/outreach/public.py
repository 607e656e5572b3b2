"""码上约's public pages: the form a deputy's QR code opens, and the resident's private page. No login.

Both are limited per address (`web.limits`): `RATE` messages an hour from one address (the service
also takes at most `PER_CODE` per code and hour), `LOOKUPS` private pages an hour, so that private
codes cannot be tried in bulk. Nothing about the deputy shows but their name; nothing of other
messages at all. Messages are shown as text (autoescape), never as HTML.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from web.actions import perform
from web.limits import too_often
from web.submit import one_time
from workflow.services import outreach

from .forms import WriteForm

RATE = "20/h"  # messages sent from one address an hour
LOOKUPS = "60/h"  # private pages read from one address an hour


def _write_page(request, code, form, *, status=200):
    return render(request, "outreach/write.html", {"code": code, "form": form}, status=status)


@never_cache  # a form with its CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
def write(request, code):
    """GET: the form (or, for a revoked code, that it is no longer in use); POST: the message."""
    found = outreach.code_for_link(code)  # NotFound: the 404 page
    if not found.live:
        return render(request, "outreach/revoked.html", {"code": found}, status=410)
    if request.method != "POST":
        return _write_page(request, found, WriteForm())
    return _send(request, found)


@one_time  # a second submit of the same form is sent to the first message's page
def _send(request, found):
    form = WriteForm(request.POST)
    if too_often(request, group="outreach.write", rate=RATE):
        form.is_valid()
        form.add_error(None, _("Too many messages were sent from your address. Please try again in an hour."))
        return _write_page(request, found, form, status=429)
    outcome = perform(
        request,
        form,
        lambda data: outreach.receive(
            now=timezone.now(),
            code=found,
            text=data["text"],
            neighbourhood=data["neighbourhood"],
            phone=data["phone"],
            may_contact=data["may_contact"],
        ),
        then=lambda message: reverse("outreach:resident", args=[message.private_code]),
        message=_("Your message was sent. Keep this page's link or its code to read the answer."),
    )
    return outcome.response or _write_page(request, found, form, status=outcome.status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def resident(request, private_code):
    """The resident's own message, where it stands in plain words, and the deputy's answer."""
    if too_often(request, group="outreach.lookup", rate=LOOKUPS):
        return render(request, "portal/429.html", status=429)
    message = outreach.message_for_resident(private_code)
    context = {
        "message": message,
        "stage": outreach.stage_for_resident(message),
        "link": request.build_absolute_uri(),
    }
    return render(request, "outreach/resident.html", context)
