"""Building a bundle: the case files of a list's items as one PDF, written a slice at a time with its progress.

`request_bundle` records what to build and hands it to a worker (`build_bundle`) once the
request commits; `build` reads the items in slices (the queries per slice are fixed), records how
many are done after each, and saves the PDF. Safe twice: a bundle already ready is left alone.
"""

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from .access import case_file_items
from .content import case_files
from .models import MAX_ITEMS, CaseFileBundle
from .pdf import render

SLICE = 50


class TooMany(ValueError):
    pass


def request_bundle(*, user, items, language, now) -> CaseFileBundle:
    """A bundle of `items` (a queryset in the list's order) the user may read; raises TooMany past MAX_ITEMS."""
    ids = list(items.filter(pk__in=case_file_items(user).values("pk")).values_list("pk", flat=True)[: MAX_ITEMS + 1])
    if len(ids) > MAX_ITEMS:
        raise TooMany(
            gettext("A bundle holds at most %(max)d items; narrow the list (year, unit, stage…).") % {"max": MAX_ITEMS}
        )
    bundle = CaseFileBundle.objects.create(requested_by=user, requested_at=now, item_ids=ids, language=language)
    transaction.on_commit(lambda: build_bundle.delay(str(bundle.pk)))
    return bundle


def build(bundle_id) -> CaseFileBundle:
    bundle = CaseFileBundle.objects.select_related("requested_by").get(pk=bundle_id)
    if bundle.state == CaseFileBundle.State.READY:
        return bundle
    CaseFileBundle.objects.filter(pk=bundle.pk).update(state=CaseFileBundle.State.BUILDING, done=0)
    user = bundle.requested_by
    cases = []
    try:
        with translation.override(bundle.language):
            for start in range(0, bundle.total, SLICE):
                cases += case_files(user, bundle.item_ids[start : start + SLICE])
                CaseFileBundle.objects.filter(pk=bundle.pk).update(done=min(start + SLICE, bundle.total))
            title = gettext("Case files (%(count)d items)") % {"count": len(cases)}
            data = render(cases, title=title)
    except Exception as exc:
        CaseFileBundle.objects.filter(pk=bundle.pk).update(
            state=CaseFileBundle.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    bundle.file.save(f"{bundle.pk}.pdf", ContentFile(data), save=False)
    bundle.state, bundle.done, bundle.finished_at = CaseFileBundle.State.READY, bundle.total, timezone.now()
    bundle.save(update_fields=["file", "state", "done", "finished_at"])
    return bundle


@shared_task
def build_bundle(bundle_id):
    """The worker's part (registered through `casefiles.tasks`)."""
    return str(build(bundle_id).state)
