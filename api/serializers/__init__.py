"""The API's output shapes: what an endpoint (a read or an act) answers, as its caller may see it.

Every nested list is read through `workflow.selectors` for the request's user, so the same object
shows less to a co-unit or a proposer than to the office. Acts answer with these too
(`ItemSerializer(item, context={"request": request}).data`).
"""

from .items import (
    AssignmentSerializer,
    AttachmentSerializer,
    DueDateSerializer,
    EventSerializer,
    ExtensionSerializer,
    FeedbackSerializer,
    ItemListSerializer,
    ItemSerializer,
    ReplySerializer,
)
from .reference import (
    CategorySerializer,
    DistrictSerializer,
    ProposerSerializer,
    SessionSerializer,
    UnitSerializer,
)
from .submissions import InvitationSerializer, SubmissionSerializer

__all__ = [
    "AssignmentSerializer",
    "AttachmentSerializer",
    "CategorySerializer",
    "DistrictSerializer",
    "DueDateSerializer",
    "EventSerializer",
    "ExtensionSerializer",
    "FeedbackSerializer",
    "InvitationSerializer",
    "ItemListSerializer",
    "ItemSerializer",
    "ProposerSerializer",
    "ReplySerializer",
    "SessionSerializer",
    "SubmissionSerializer",
    "UnitSerializer",
]
