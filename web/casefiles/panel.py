"""The item page's link to the case file, for those who read it (`casefiles.access`)."""

from django.urls import reverse
from django.utils.translation import gettext

from casefiles.access import reads_case_files
from web.items.panel import Act


def offers(user, item, assignments):
    if not reads_case_files(user):
        return []
    return [Act(gettext("Case file (print or PDF)"), reverse("casefiles:item", args=[item.pk]))]
