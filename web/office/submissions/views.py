"""The office's screens of items handed in online: the queue, one submission, its registration.

The office sees its districts' submissions once handed in (`workflow.selectors.office_submissions`),
never a draft; another district's is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from submissions.models import CoSignInvitation, Submission
from web.actions import perform
from web.office.intake.numbering import suggest_number
from web.submit import one_time
from workflow import access, selectors
from workflow.services import submissions

from .forms import ConfirmForm, RegisterForm

Invitation = CoSignInvitation.State


def _require_office(user):
    if not access.acts_as_office(user):
        raise PermissionDenied(_("Only the district office may do this."))


def _submission(user, pk) -> Submission:
    _require_office(user)
    found = (
        selectors.office_submissions(user)
        .select_related("district", "lead", "category", "session", "item")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def queue(request):
    """The handed-in items awaiting registration, oldest first; one query with the co-signers' counts."""
    _require_office(request.user)
    waiting = (
        selectors.office_submissions(request.user)
        .filter(state=Submission.State.SUBMITTED)
        .select_related("district", "lead")
        .annotate(
            confirmed=Count("invitations", filter=Q(invitations__state=Invitation.CONFIRMED)),
            pending=Count("invitations", filter=Q(invitations__state=Invitation.PENDING)),
        )
        .order_by("submitted_at", "pk")
    )
    return render(request, "office/submissions/queue.html", {"waiting": waiting})


def _register_initial(submission):
    today = timezone.localdate(submission.submitted_at)
    number = suggest_number(district=submission.district, year=today.year, body=submission.body, kind=submission.kind)
    return {"number": number, "category": submission.category, "session": submission.session}


def _detail_page(request, submission, *, form=None, confirm_form=None, status=200):
    context = {
        "confirm_form": confirm_form,
        "submission": submission,
        "invitations": list(submission.invitations.select_related("proposer").order_by("invited_at", "pk")),
        "files": list(submission.files.order_by("uploaded_at", "pk")),
        "form": form or RegisterForm(submission=submission, initial=_register_initial(submission)),
        "registrable": submission.state == Submission.State.SUBMITTED,
        "confirm_for": submission.state == Submission.State.SUBMITTED,
        "today": timezone.localdate(),
    }
    return render(request, "office/submissions/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, pk):
    return _detail_page(request, _submission(request.user, pk))


@login_required
@one_time
def register(request, pk):
    submission = _submission(request.user, pk)
    form = RegisterForm(request.POST, submission=submission)

    def call(data):
        return submissions.register(
            actor=request.user,
            now=timezone.now(),
            submission=submission,
            number=data["number"].strip(),
            category=data["category"],
            session=data["session"],
        )

    outcome = perform(
        request,
        form,
        call,
        then=lambda item: reverse("intake:review", args=[item.pk]),
        message=lambda item: _("Item %(number)s is recorded; it awaits review.") % {"number": item.number},
    )
    return outcome.response or _detail_page(request, submission, form=form, status=outcome.status)


@login_required
@one_time
def confirm_for(request, pk):
    _require_office(request.user)
    invitation = (
        CoSignInvitation.objects.filter(submission__in=selectors.office_submissions(request.user), pk=pk)
        .select_related("proposer")
        .first()
    )
    if invitation is None:
        raise Http404
    submission = _submission(request.user, invitation.submission_id)
    form = ConfirmForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: submissions.confirm_for(actor=request.user, now=timezone.now(), invitation=invitation),
        then=reverse("office_submissions:detail", args=[submission.pk]),
        message=_("%(name)s co-signs, as the office recorded.") % {"name": invitation.proposer.name},
    )
    return outcome.response or _detail_page(request, submission, confirm_form=form, status=outcome.status)
