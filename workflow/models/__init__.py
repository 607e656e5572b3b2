"""The tables of the workflow. The rules that change them live in `workflow.services`."""

from .disclosure import DisclosureRequest
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
from .obligations import Obligation
from .schemes import BodySetting, OutcomeCategory, OutcomeScheme, RatingScale, RatingValue

__all__ = [
    "Assignment",
    "BodySetting",
    "ClosingReport",
    "CoUnitOpinion",
    "Consultation",
    "DisclosureRequest",
    "Event",
    "Extension",
    "Feedback",
    "FollowUp",
    "Message",
    "Obligation",
    "OutcomeCategory",
    "OutcomeScheme",
    "RatingScale",
    "RatingValue",
    "Reply",
]
