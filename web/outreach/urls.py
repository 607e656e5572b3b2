"""码上约: the public pages a deputy's QR code opens (/q/), the deputy's inbox (/my/outreach/), the office's counts."""

from django.urls import path

from . import deputy, office, public

app_name = "outreach"

urlpatterns = [
    path("q/m/<str:private_code>/", public.resident, name="resident"),
    path("q/<str:code>/", public.write, name="write"),
    path("my/outreach/", deputy.inbox, name="inbox"),
    path("my/outreach/<int:pk>/", deputy.message, name="message"),
    path("my/outreach/<int:pk>/answer/", deputy.answer, name="answer"),
    path("my/outreach/<int:pk>/dismiss/", deputy.dismiss, name="dismiss"),
    path("my/outreach/<int:pk>/hide/", deputy.hide, name="hide"),
    path("my/outreach/suggest/", deputy.suggest, name="suggest"),
    path("my/outreach/codes/<int:pk>/issue/", deputy.issue, name="issue"),
    path("my/outreach/codes/<int:pk>/revoke/", deputy.revoke, name="revoke"),
    path("my/outreach/codes/<int:pk>/poster.pdf", deputy.poster, name="poster"),
    path("office/outreach/", office.counts, name="counts"),
    path("office/outreach/deputies/<int:pk>/", office.deputy_messages, name="office_messages"),
    path("office/outreach/districts/<int:pk>/members/", office.members, name="members"),
]
