"""What a case file holds: the item and everything that happened to it, read in a fixed number of queries.

One `CaseFile` per item: the text and proposers, the assignments with their due dates, the
consultations, the co-units' opinions, the replies with their approvals, the feedback, the
follow-ups and closing reports, and the timeline in the reader's language. Both the printable
page and the PDF are built from it, so they cannot disagree.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from workflow import timeline
from workflow.models import (
    Assignment,
    ClosingReport,
    Consultation,
    CoUnitOpinion,
    Event,
    Extension,
    Feedback,
    FollowUp,
    Obligation,
    Reply,
)

from .access import case_file_items


@dataclass
class CaseFile:
    item: object
    proposers: list
    assignments: list  # each with .obligations, .extensions, .opinions, .replies, .closing_reports
    consultations: list
    feedback: list
    follow_ups: list
    events: list  # [(event, description)]


ITEM_RELATED = ("district", "session", "category", "supervising_leader", "merged_into")


def case_files(user, item_ids) -> list[CaseFile]:
    """The case files of `item_ids` that `user` may read, in the order of `item_ids`."""
    items = {
        item.pk: item
        for item in case_file_items(user)
        .filter(pk__in=item_ids)
        .select_related(*ITEM_RELATED)
        .prefetch_related(
            Prefetch("item_proposers", to_attr="proposer_links"),
            "proposer_links__proposer",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("unit").order_by("assigned_at", "pk"),
                to_attr="all_assignments",
            ),
            Prefetch(
                "all_assignments__obligations",
                queryset=Obligation.objects.order_by("due_on", "pk"),
                to_attr="due_dates",
            ),
            Prefetch(
                "all_assignments__extensions",
                queryset=Extension.objects.select_related("decided_by").order_by("requested_at", "pk"),
                to_attr="extension_rows",
            ),
            Prefetch(
                "all_assignments__opinions",
                queryset=CoUnitOpinion.objects.select_related("submitted_by").order_by("submitted_at", "pk"),
                to_attr="opinion_rows",
            ),
            Prefetch(
                "all_assignments__replies",
                queryset=Reply.objects.exclude(state=Reply.State.SUPERSEDED)
                .select_related("category", "head_approved_by", "leader_signed_by", "sent_by")
                .order_by("round", "kind", "pk"),
                to_attr="reply_rows",
            ),
            Prefetch(
                "all_assignments__closing_reports",
                queryset=ClosingReport.objects.order_by("submitted_at", "pk"),
                to_attr="closing_rows",
            ),
            Prefetch(
                "consultations",
                queryset=Consultation.objects.select_related("assignment__unit").order_by("held_on", "pk"),
                to_attr="consultation_rows",
            ),
            Prefetch(
                "feedback",
                queryset=Feedback.objects.select_related("proposer", "rating").order_by("round", "submitted_at"),
                to_attr="feedback_rows",
            ),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("reply__assignment__unit", "converted_to").order_by(
                    "reported_at", "pk"
                ),
                to_attr="follow_up_rows",
            ),
            Prefetch(
                "events",
                queryset=Event.objects.select_related("assignment__unit", "actor").order_by("at", "pk"),
                to_attr="event_rows",
            ),
        )
    }
    return [_case_file(items[pk]) for pk in item_ids if pk in items]


def _case_file(item) -> CaseFile:
    proposers = sorted(item.proposer_links, key=lambda link: (not link.is_lead, link.sort_order, link.pk))
    return CaseFile(
        item=item,
        proposers=proposers,
        assignments=item.all_assignments,
        consultations=item.consultation_rows,
        feedback=item.feedback_rows,
        follow_ups=item.follow_up_rows,
        events=[(event, timeline.describe(event)) for event in item.event_rows],
    )
