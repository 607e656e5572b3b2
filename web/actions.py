"""The shape of every action view (post/redirect/get), after pretix's control views.

    form = AcceptForm(request.POST)
    outcome = perform(request, form, lambda data: accept_assignment(actor=..., now=..., **data),
                      then=item_url, message=_("Accepted."))
    return outcome.response or render(request, "…", {"form": form}, status=outcome.status)

The form parses and validates and changes nothing; the service decides. Done: a message and a
redirect. Refused: the form comes back with what was typed and the service's reason beside the
field it names, with the refusal's status; outside the actor's scope it is a 404 page, exactly
like a missing object. Wrap the view in `web.submit.one_time` so that a second submit acts once.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from workflow.errors import WorkflowError

from .refusals import add_to_form, audited, refusal_of


@dataclass(frozen=True)
class Outcome:
    response: HttpResponse | None  # the redirect once the act is done
    status: int  # else the status to show the form again with


def perform(request, form, call: Callable, *, then, message) -> Outcome:
    """Validate `form`, then `call(form.cleaned_data)`; `then` and `message` may be callables of its result."""
    if not form.is_valid():
        return Outcome(None, 400)
    try:
        result = call(form.cleaned_data)
    except WorkflowError as exc:
        refusal = refusal_of(exc)
        if refusal.status == 404:
            raise audited(Http404()) from None  # logged once, as the service's refusal
        add_to_form(form, refusal)
        return Outcome(None, refusal.status)
    messages.success(request, message(result) if callable(message) else message)
    return Outcome(redirect(then(result) if callable(then) else then), 302)
