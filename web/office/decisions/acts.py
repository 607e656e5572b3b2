"""The office's decisions as buttons on the item page (`web.items.panel`): review, publish, decide an extension.

Each button shows when the workflow says the office may act now: the reader is the district's
office (`access.is_office`), and the reply or request is at the office's step. Whether the act
then succeeds is still the service's call on the act's own page.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from districts.models import Role
from proposals.models import Item
from web.items.panel import Act
from workflow.access import REPLY_HOLDERS, is_office
from workflow.models import Extension, Reply


def offers(user, item, assignments) -> list[Act]:
    if not is_office(user, item.district_id):
        return []
    acts = []
    consents = item.disclosure != Item.Disclosure.PRIVATE  # the proposer's consent to publication, as recorded
    for assignment in assignments:
        for reply in getattr(assignment, "visible_replies", ()):
            unit = {"unit": assignment.unit}
            if REPLY_HOLDERS.get(reply.state) == Role.OFFICE:  # the office holds it in the approval chain
                url = reverse("decisions:reply_review", args=[reply.pk])
                acts.append(Act(_("Review the reply of %(unit)s") % unit, url, primary=True))
            elif reply.state == Reply.State.SENT and reply.published_at is None and consents:
                url = reverse("decisions:reply_publish", args=[reply.pk])
                acts.append(Act(_("Publish the reply of %(unit)s") % unit, url))
    # A request is about the first reply's deadline, which exists only while the item is handled
    # (`extensions.request_extension`): no query for the pages of items past that.
    if item.state == Item.State.HANDLING:
        pending = Extension.objects.filter(assignment__item=item, state=Extension.State.PENDING)
        for extension in pending.select_related("assignment__unit").order_by("requested_at", "pk"):
            url = reverse("decisions:extension_decide", args=[extension.pk])
            unit = {"unit": extension.assignment.unit}
            acts.append(Act(_("Decide the extension request of %(unit)s") % unit, url, primary=True))
    return acts
