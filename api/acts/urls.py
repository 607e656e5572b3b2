"""The acts (issue #18): each a POST named for the act (a PATCH for editing a draft); the paths are a contract."""

from django.urls import path

from . import views

ACTS = [
    ("items/", views.Receive, "receive"),
    ("items/<int:pk>/register/", views.Register, "register"),
    ("items/<int:pk>/reject/", views.Reject, "reject"),
    ("items/<int:pk>/merge/", views.Merge, "merge"),
    ("items/<int:pk>/assign/", views.Assign, "assign"),
    ("items/<int:pk>/key/", views.Key, "key"),
    ("items/<int:pk>/feedback/", views.GiveFeedback, "feedback"),
    ("items/<int:pk>/close/", views.Close, "close"),
    ("items/<int:pk>/corrections/", views.Correct, "corrections"),
    ("items/<int:pk>/messages/", views.Message, "messages"),
    ("assignments/<int:pk>/accept/", views.Accept, "accept"),
    ("assignments/<int:pk>/return/", views.Return, "return"),
    ("assignments/<int:pk>/reassign/", views.Reassign, "reassign"),
    ("assignments/<int:pk>/consultations/", views.Consult, "consultations"),
    ("assignments/<int:pk>/opinion/", views.Opinion, "opinion"),
    ("assignments/<int:pk>/waive-opinion/", views.WaiveOpinion, "waive-opinion"),
    ("assignments/<int:pk>/extension/", views.RequestExtension, "extension"),
    ("assignments/<int:pk>/replies/", views.DraftReply, "replies"),
    ("assignments/<int:pk>/second-reply/", views.DraftSecondReply, "second-reply"),
    ("assignments/<int:pk>/follow-ups/", views.FollowUp, "follow-ups"),
    ("assignments/<int:pk>/closing-report/", views.ClosingReport, "closing-report"),
    ("extensions/<int:pk>/decide/", views.DecideExtension, "decide-extension"),
    ("replies/<int:pk>/", views.EditReply, "edit-reply"),
    ("replies/<int:pk>/submit/", views.SubmitReply, "submit-reply"),
    ("replies/<int:pk>/approve/", views.ApproveReply, "approve-reply"),
    ("replies/<int:pk>/sign-off/", views.SignOffReply, "sign-off-reply"),
    ("replies/<int:pk>/send-back/", views.SendBackReply, "send-back-reply"),
    ("replies/<int:pk>/send/", views.SendReply, "send-reply"),
    ("replies/<int:pk>/publish/", views.PublishReply, "publish-reply"),
]

urlpatterns = [path(route, view.as_view(), name=f"act-{name}") for route, view, name in ACTS]
