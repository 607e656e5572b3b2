"""Every action form is safe to send twice: a double click, or back and send again, acts once.

An action form carries a one-time token (`{% submit_token %}` in `web.templatetags.web`);
its view is wrapped in `one_time`. The first submit claims the token inside the
transaction of the act; when the act is done (post/redirect/get: a redirect) the token
remembers where it sent the browser. A second submit of the same token changes nothing
and is sent to the same place with a note. A refused act (the form shown again with the
reason) keeps no token, so the corrected form can be sent.
"""

import datetime as dt
import uuid
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import SubmitToken

FIELD = "submit_token"
KEPT = dt.timedelta(days=1)
REDIRECTS = (301, 302, 303)


def new_token() -> str:
    return str(uuid.uuid4())


def _token(request):
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def _sender(request):
    """Whose token it is: the logged-in user, or None on a public form (the token alone, a random UUID, is the key)."""
    return request.user if request.user.is_authenticated else None


def one_time(view):
    """Wrap an action view (POST only): the act and the token claim commit or roll back together."""

    @require_POST
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _token(request)
        if token is None:
            message = _("This form is incomplete. Reload the page and send it again.")
            return render(request, "400.html", {"detail": message}, status=400)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = SubmitToken.objects.create(token=token, user=_sender(request), created_at=timezone.now())
            except IntegrityError:
                return _replay(request, token)
            response = view(request, *args, **kwargs)
            if response.status_code in REDIRECTS:
                claim.redirect_to = response["Location"]
                claim.save(update_fields=["redirect_to"])
            else:
                transaction.set_rollback(True)  # refused or shown again: nothing was done, the token stays free
            return response

    return wrapper


def _replay(request, token):
    done = SubmitToken.objects.filter(token=token, user=_sender(request)).exclude(redirect_to="").first()
    if done is None:
        return render(request, "400.html", {"detail": _("This form cannot be sent. Reload the page.")}, status=400)
    messages.info(request, _("This form had already been sent; nothing was done a second time."))
    return redirect(done.redirect_to)


def purge_submit_tokens(*, now) -> int:
    """Forget tokens older than a day: a form left open longer is sent as a new one."""
    deleted, _rows = SubmitToken.objects.filter(created_at__lt=now - KEPT).delete()
    return deleted
