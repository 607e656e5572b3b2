"""The words of every notification, rendered when sent or shown, never stored translated.

A notification keeps ids and values (`params`, plus its obligation and item); this module
turns them into a subject, a body and, for SMS, a fixed template id with its parameters —
Chinese gateways send only templates approved in advance, so the gateway holds the text
and we send the values.

Days overdue (`days`) are not stored either: an overdue reminder or an escalation counts them
with `deadlines.calendar.overdue_workdays` from the due date it was recorded for to the day it
was recorded, the same working days as the item page and the status bulletin.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from deadlines.calendar import overdue_workdays
from deadlines.models import ObligationKind

from .models import NotificationKind

SMS_TITLE_CHARS = 20
# The reminders whose words say how many working days the obligation is overdue.
OVERDUE_KINDS = (NotificationKind.OVERDUE, NotificationKind.ESCALATION_HEAD, NotificationKind.ESCALATION_OFFICE)

_BODIES = {
    NotificationKind.BEFORE_DUE: gettext_lazy(
        "Reminder: %(what)s for item %(number)s “%(title)s” is due on %(due)s. %(link)s"
    ),
    NotificationKind.DUE_TODAY: gettext_lazy("Due today: %(what)s for item %(number)s “%(title)s” (%(due)s). %(link)s"),
    NotificationKind.OVERDUE: ngettext_lazy(
        "Overdue by %(days)s working day: %(what)s for item %(number)s “%(title)s” was due on %(due)s and is "
        "not done. %(link)s",
        "Overdue by %(days)s working days: %(what)s for item %(number)s “%(title)s” was due on %(due)s and is "
        "not done. %(link)s",
        "days",
    ),
    NotificationKind.ESCALATION_HEAD: gettext_lazy(
        "Overdue by %(days)s working days: %(what)s for item %(number)s “%(title)s”, handled by %(unit)s, "
        "was due on %(due)s. %(link)s"
    ),
    NotificationKind.ESCALATION_OFFICE: gettext_lazy(
        "Key item overdue by %(days)s working days: %(what)s for item %(number)s “%(title)s”, handled by "
        "%(unit)s, was due on %(due)s. %(link)s"
    ),
    NotificationKind.REPLY_ARRIVED: gettext_lazy(
        "The reply to your item %(number)s “%(title)s” arrived on %(date)s and waits for your rating. %(link)s"
    ),
    NotificationKind.UNIT_MESSAGE: gettext_lazy(
        "%(unit)s sent you a message on item %(number)s “%(title)s” on %(date)s. %(link)s"
    ),
    NotificationKind.PROPOSER_MESSAGE: gettext_lazy(
        "The proposer of item %(number)s “%(title)s” sent %(unit)s a message on %(date)s. %(link)s"
    ),
    NotificationKind.LEADER_INSTRUCTION: gettext_lazy(
        "%(leader)s, who supervises the key item %(number)s “%(title)s”, gave an instruction on %(date)s: "
        "%(text)s %(link)s"
    ),
    NotificationKind.CITY_OPINION: gettext_lazy(
        "%(unit)s's opinion on the city item %(number)s “%(title)s”, submitted on %(date)s, waits for your "
        "approval. %(link)s"
    ),
}


@dataclass
class Message:
    subject: str
    body: str
    sms_template: str = ""
    sms_params: dict = field(default_factory=dict)


def item_link(item_id):
    """The item's page; the one place that knows the URL shape, for every channel."""
    return f"{settings.SITE_URL.rstrip('/')}/items/{item_id}/"


def city_opinion_link(item_id):
    """The page of the unit's opinion on a city item, where its head approves it or sends it back."""
    return f"{item_link(item_id)}handling/opinion/"


# Where a notice links when not to the item's page.
LINKS = {NotificationKind.CITY_OPINION: city_opinion_link}


def invitations_link():
    """A proposer's items handed in online, where their invitations to co-sign are."""
    return f"{settings.SITE_URL.rstrip('/')}/my/submissions/"


def language_of(user):
    """The user's language, else the site's; a notice to a phone number (a resident, no account) has no user."""
    return (user and user.language) or settings.LANGUAGE_CODE


def render(notification) -> Message:
    """The message for `notification` in its recipient's language.

    Reads `obligation`, `obligation.unit` and `item` — select them with the row.
    """
    with translation.override(language_of(notification.recipient)):
        if notification.kind == NotificationKind.OFFICE_DIGEST:
            return _render_digest(notification)
        if notification.kind == NotificationKind.WEEKLY_SUMMARY:
            return _render_summary(notification)
        if notification.kind == NotificationKind.COSIGN_INVITATION:
            return _render_invitation(notification)
        if notification.kind == NotificationKind.RESIDENT_ANSWER:
            return _render_resident_answer(notification)
        values = _values(notification)
        body = _BODIES[notification.kind] % values
        subject = _("%(kind)s: %(number)s %(title)s") % {"kind": notification.get_kind_display(), **values}
        sms_params = {key: values[key] for key in ("number", "what", "due", "days", "unit", "date", "leader")}
        sms_params["title"] = values["title"][:SMS_TITLE_CHARS]
        return Message(subject, body, _sms_template(notification.kind), sms_params)


def _values(notification):
    item, obligation = notification.item, notification.obligation
    values = {
        "number": item.number,
        "title": item.title,
        "link": LINKS.get(notification.kind, item_link)(item.pk),
        "what": obligation.get_kind_display() if obligation else "",
        "due": obligation.due_on.isoformat() if obligation else "",
        "unit": obligation.unit.name if obligation and obligation.unit else notification.params.get("unit", ""),
        "days": days_overdue(notification) if notification.kind in OVERDUE_KINDS else "",
        "date": notification.due_on.isoformat(),
        "leader": notification.params.get("leader", ""),
        "text": notification.params.get("text", ""),
    }
    return values


def days_overdue(notification) -> int:
    """Working days the obligation was overdue on the day this reminder was recorded.

    From the due date the reminder was recorded for (`due_on`) to the local date of
    `created_at`: an escalation recorded 3 working days after the due date says 3 however
    late it is read, and the same number the item page and the bulletin gave that day.
    """
    return overdue_workdays(notification.due_on, timezone.localdate(notification.created_at))


def _render_digest(notification):
    rows = notification.params.get("rows", [])
    subject = _("Newly overdue items on %(date)s: %(count)s") % {
        "date": notification.due_on.isoformat(),
        "count": len(rows),
    }
    lines = [
        _("%(number)s “%(title)s” — %(unit)s: %(what)s, due %(due)s. %(link)s")
        % {**row, "what": _obligation_label(row["what"]), "link": item_link(row["item"])}
        for row in rows
    ]
    params = {"date": notification.due_on.isoformat(), "count": len(rows)}
    return Message(subject, "\n".join([subject, *lines]), _sms_template(notification.kind), params)


def _render_summary(notification):
    rows = notification.params.get("rows", [])
    subject = _("Weekly summary per unit, week of %(date)s") % {"date": notification.due_on.isoformat()}
    lines = [_("%(unit)s: %(open)s open, %(overdue)s overdue") % row for row in rows]
    params = {"date": notification.due_on.isoformat(), "units": len(rows)}
    return Message(subject, "\n".join([subject, *lines]), _sms_template(notification.kind), params)


def _render_invitation(notification):
    """One notice per person and answer-by day, however many invitations share that day: it sends them to the list."""
    values = {"date": notification.due_on.isoformat(), "link": invitations_link()}
    subject = _("An invitation to co-sign: answer by %(date)s") % values
    body = _("You are invited to co-sign an item handed in online. Confirm or decline by %(date)s: %(link)s") % values
    return Message(subject, body, _sms_template(notification.kind), {"date": values["date"]})


def _render_resident_answer(notification):
    """A resident's message (码上约) was answered: only the link to their private page, nothing of the answer
    or the deputy, since a text message can be read by anyone holding the phone."""
    link = f"{settings.SITE_URL.rstrip('/')}{notification.params['path']}"
    subject = _("Your message has an answer")
    body = _("The message you left by scanning a QR code has an answer. Read it at %(link)s") % {"link": link}
    return Message(subject, body, _sms_template(notification.kind), {"link": link})


def _obligation_label(kind):
    return str(ObligationKind(kind).label)


def _sms_template(kind):
    return settings.SMS_TEMPLATES.get(str(kind), "")
