"""The tables of the workflow. The rules that change them live in `workflow.services`."""

from .deadlines import CalendarYear, DeadlinePolicy, Holiday, Obligation
from .events import Event
from .handling import (
    Assignment,
    ClosingReport,
    Consultation,
    CoUnitOpinion,
    Extension,
    Feedback,
    FollowUp,
    Reply,
)
from .messages import Message
from .notifications import Channel, Notification, NotificationKind, NotificationPreference
from .schemes import BodySetting, OutcomeCategory, OutcomeScheme, RatingScale, RatingValue

__all__ = [
    "Assignment",
    "BodySetting",
    "CalendarYear",
    "Channel",
    "ClosingReport",
    "CoUnitOpinion",
    "Consultation",
    "DeadlinePolicy",
    "Event",
    "Extension",
    "Feedback",
    "FollowUp",
    "Holiday",
    "Message",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Obligation",
    "OutcomeCategory",
    "OutcomeScheme",
    "RatingScale",
    "RatingValue",
    "Reply",
]
