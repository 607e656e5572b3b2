"""The answer to a request for a reply disclosed on request (依申请公开), sent to the requester's contact.

The requester has no account, so no Notification row (those are per user): when the office's
decision is recorded (`disclosure.granted` / `disclosure.refused` on the timeline), a task is
queued on commit; it sends the granted replies' text (by email, with the files the office chose),
or the refusal and its reason, by email or SMS in the site's language, and notes on the request
when it went out or why it did not. The task holds the request's row while it sends, so a second
run of the same task sends nothing.
"""

from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workflow.errors import WorkflowError
from workflow.models import DisclosureRequest
from workflow.services import permissions

from .backends import get_sms_backend
from .texts import SMS_TITLE_CHARS, Message

DECISIONS = ("disclosure.granted", "disclosure.refused")


def schedule_disclosure_answer(sender, event, **kwargs):
    """`workflow.signals.event_recorded` receiver: a decided request is answered once the decision commits."""
    if event.action in DECISIONS:
        transaction.on_commit(partial(send_disclosure_answer.delay, event.data["request"]))


def compose(request) -> Message:
    """The answer in the site's language: the replies as sent, or the refusal with its reason."""
    item = request.item
    with translation.override(settings.LANGUAGE_CODE):
        values = {"name": request.name, "number": item.number, "title": item.title}
        if request.state == DisclosureRequest.State.GRANTED:
            subject = _("The reply to item %(number)s “%(title)s” you asked for") % values
            parts = [
                _("Dear %(name)s, the office granted your request. The reply to item %(number)s “%(title)s”:") % values
            ]
            for reply in request.replies.select_related("assignment__unit").order_by("pk"):
                sent = {"unit": reply.assignment.unit.name, "date": timezone.localdate(reply.sent_at).isoformat()}
                parts += [_("%(unit)s, sent on %(date)s:") % sent, reply.text]
            names = [a.original_name for a in request.attachments.order_by("pk")]
            if names:
                parts.append(_("Attached: %(files)s") % {"files": "、".join(names)})
            template = "disclosure_granted"
        else:
            subject = _("Your request for the reply to item %(number)s “%(title)s”") % values
            parts = [
                _("Dear %(name)s, the office refused your request for the reply to item %(number)s “%(title)s”.")
                % values,
                _("Reason: %(reason)s") % {"reason": request.refusal_reason},
            ]
            template = "disclosure_refused"
    params = {"number": item.number, "title": item.title[:SMS_TITLE_CHARS]}
    return Message(subject, "\n\n".join(parts), settings.SMS_TEMPLATES.get(template, ""), params)


def send_answer(request_id, *, now) -> str:
    """Send the answer of one decided request unless it went out already; returns what happened."""
    with transaction.atomic():
        request = (
            DisclosureRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("item")
            .filter(pk=request_id, answered_at__isnull=True)
            .exclude(state=DisclosureRequest.State.PENDING)
            .first()
        )
        if request is None:
            return "skipped"  # answered already, or another worker is sending it
        message = compose(request)
        try:
            if request.channel == DisclosureRequest.Channel.EMAIL:
                email = EmailMessage(message.subject, message.body, None, [request.contact])
                for attachment in request.attachments.order_by("pk"):
                    with attachment.file.open("rb") as content:
                        email.attach(attachment.original_name, content.read(), attachment.content_type)
                email.send()
            else:
                get_sms_backend().send(request.contact, message.sms_template, message.sms_params, message.body)
        except Exception as exc:  # any failure of the mail server or the gateway, noted for the office
            DisclosureRequest.objects.filter(pk=request.pk).update(answer_error=str(exc)[:2000])
            return "failed"
        DisclosureRequest.objects.filter(pk=request.pk).update(answered_at=now, answer_error="")
    return "sent"


def resend_answer(*, actor, request) -> DisclosureRequest:
    """The office sends again, on purpose, an answer whose sending failed (`answer_error`); on commit."""
    permissions.require_office(actor, request.item)
    with transaction.atomic():
        again = DisclosureRequest.objects.filter(pk=request.pk, answered_at__isnull=True).exclude(answer_error="")
        if not again.update(answer_error=""):
            raise WorkflowError(_("This answer was sent, or is being sent."), code="not_failed")
        transaction.on_commit(partial(send_disclosure_answer.delay, request.pk))
    return request


@shared_task
def send_disclosure_answer(request_id):
    return send_answer(request_id, now=timezone.now())
