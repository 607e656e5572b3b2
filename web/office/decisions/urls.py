"""The office's decisions on replies and extensions: queues, review, send or send back, publish, decide."""

from django.urls import path

from . import extensions, replies

app_name = "decisions"

urlpatterns = [
    path("replies/review/", replies.reply_queue, name="reply_queue"),
    path("replies/<int:pk>/review/", replies.reply_review, name="reply_review"),
    path("replies/<int:pk>/send/", replies.reply_send, name="reply_send"),
    path("replies/<int:pk>/send-back/", replies.reply_send_back, name="reply_send_back"),
    path("replies/<int:pk>/publish/", replies.reply_publish, name="reply_publish"),
    path("extensions/", extensions.extension_queue, name="extension_queue"),
    path("extensions/<int:pk>/decide/", extensions.extension_decide, name="extension_decide"),
]
