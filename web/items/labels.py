"""Words for where an item stands: the `stage`, `waits_for` and `waiting_on` codes of `selectors.annotate_progress`."""

from django.utils.translation import gettext_lazy as _

from proposals.models import Item

WAITS_FOR = {
    "review": _("Review for registration"),
    "assignment": _("Assignment to handling units"),
    "reassignment": _("Reassignment of a returned assignment"),
    "acceptance": _("Acceptance by the unit"),
    "head_approval": _("The unit head's approval of the reply"),
    "leader_signoff": _("The district leader's sign-off of the reply"),
    "office_review": _("The office's review of the reply"),
    "closing_report": _("The closing report"),
    "follow_up": _("Follow-up until the outcome is delivered"),
    "consultation": _("Consultation with the proposer"),
    "co_opinion": _("The co-handling units' opinions"),
    "reply": _("The reply"),
    "feedback": _("The proposer's feedback"),
}
WAITING_ON = {
    "office": _("The district office"),
    "unit": _("The handling unit"),
    "unit_head": _("The unit head"),
    "leader": _("The district leader"),
    "proposer": _("The proposer"),
}


def _stages():
    """The values of the `stage` annotation: the item's states, a second or later handling round apart."""
    for value, label in Item.State.choices:
        yield value, label
        if value == Item.State.HANDLING:
            yield "rehandling", _("Re-handling after disagreement")


STAGES = list(_stages())
STAGE_LABELS = dict(STAGES)
