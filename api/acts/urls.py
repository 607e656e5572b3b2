"""The acts (issue #18): each a POST named for the act (a PATCH for editing a draft); the paths are a contract."""

from django.urls import path

from . import submissions, views

ACTS = [
    ("items/", views.Receive, "receive"),
    ("items/<int:id>/register/", views.Register, "register"),
    ("items/<int:id>/reject/", views.Reject, "reject"),
    ("items/<int:id>/merge/", views.Merge, "merge"),
    ("items/<int:id>/assign/", views.Assign, "assign"),
    ("items/<int:id>/key/", views.Key, "key"),
    ("items/<int:id>/feedback/", views.GiveFeedback, "feedback"),
    ("items/<int:id>/close/", views.Close, "close"),
    ("items/<int:id>/corrections/", views.Correct, "corrections"),
    ("items/<int:id>/messages/", views.Message, "messages"),
    ("assignments/<int:id>/accept/", views.Accept, "accept"),
    ("assignments/<int:id>/return/", views.Return, "return"),
    ("assignments/<int:id>/reassign/", views.Reassign, "reassign"),
    ("assignments/<int:id>/consultations/", views.Consult, "consultations"),
    ("assignments/<int:id>/opinion/", views.Opinion, "opinion"),
    ("assignments/<int:id>/waive-opinion/", views.WaiveOpinion, "waive-opinion"),
    ("assignments/<int:id>/extension/", views.RequestExtension, "extension"),
    ("assignments/<int:id>/replies/", views.DraftReply, "replies"),
    ("assignments/<int:id>/second-reply/", views.DraftSecondReply, "second-reply"),
    ("assignments/<int:id>/follow-ups/", views.FollowUp, "follow-ups"),
    ("assignments/<int:id>/closing-report/", views.ClosingReport, "closing-report"),
    ("extensions/<int:id>/decide/", views.DecideExtension, "decide-extension"),
    ("replies/<int:id>/", views.EditReply, "edit-reply"),
    ("replies/<int:id>/submit/", views.SubmitReply, "submit-reply"),
    ("replies/<int:id>/approve/", views.ApproveReply, "approve-reply"),
    ("replies/<int:id>/sign-off/", views.SignOffReply, "sign-off-reply"),
    ("replies/<int:id>/send-back/", views.SendBackReply, "send-back-reply"),
    ("replies/<int:id>/send/", views.SendReply, "send-reply"),
    ("replies/<int:id>/publish/", views.PublishReply, "publish-reply"),
    ("submissions/", submissions.Submissions, "submissions"),
    ("submissions/<int:id>/", submissions.SubmissionDetail, "submission"),
    ("submissions/<int:id>/submit/", submissions.Submit, "submit-submission"),
    ("submissions/<int:id>/withdraw/", submissions.Withdraw, "withdraw-submission"),
    ("submissions/<int:id>/invitations/", submissions.InviteCosigner, "invite-cosigner"),
    ("invitations/<int:id>/confirm/", submissions.Confirm, "confirm-invitation"),
    ("invitations/<int:id>/decline/", submissions.Decline, "decline-invitation"),
]

urlpatterns = [path(route, view.as_view(), name=f"act-{name}") for route, view, name in ACTS]
