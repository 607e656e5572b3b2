"""The proposer's screens of an item handed in online: my submissions, the draft, an invitation to co-sign.

Who sees what comes from `workflow.selectors` (own_submissions, own_invitations,
visible_submissions): another person's draft or invitation is a 404, like a missing one.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.log import Action, record
from districts.models import Proposer
from submissions.models import CoSignInvitation, Submission, SubmissionFile
from web.actions import perform
from web.submit import one_time
from workflow import selectors
from workflow.services import submissions

from .forms import ActForm, DraftForm, FileForm, InviteForm

State = Submission.State
DRAFT_ACTS = ("edit", "file", "invite", "submit")
Invitation = CoSignInvitation.State


def _leads(user):
    """The proposers `user` hands in for; 403 for who acts for none (office staff, units)."""
    leads = Proposer.objects.filter(pk__in=selectors.proposer_ids(user)).order_by("kind", "name")
    if not leads:
        raise PermissionDenied(_("Only deputies and members, or their group's staff, hand in items."))
    return leads


def _own(user, pk) -> Submission:
    found = selectors.own_submissions(user).select_related("lead", "category", "item").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _detail_url(submission):
    return reverse("submissions:detail", args=[submission.pk])


# My submissions and invitations.


@login_required
@require_GET
def mine(request):
    """Every submission of the proposers the user acts for, and the invitations to co-sign sent to them.

    Four queries whatever the numbers (the session, the user with their roles, the submissions with
    their co-signers' counts, the invitations with their submissions).
    """
    user = request.user
    if not selectors.proposer_ids(user):
        raise PermissionDenied(_("Only deputies and members, or their group's staff, hand in items."))
    own = (
        selectors.own_submissions(user)
        .select_related("lead", "item")
        .annotate(
            confirmed=Count("invitations", filter=Q(invitations__state=Invitation.CONFIRMED)),
            invited=Count("invitations"),
        )
        .order_by("-updated_at", "-pk")
    )
    invitations = (
        selectors.own_invitations(user).select_related("submission__lead", "proposer").order_by("-invited_at", "-pk")
    )
    invitations = sorted(invitations, key=lambda i: i.state != Invitation.PENDING)  # open ones first
    return render(
        request,
        "proposers/submissions/mine.html",
        {"own": own, "invitations": invitations, "today": timezone.localdate()},
    )


# A new draft.


def _new_page(request, form, *, status=200):
    return render(request, "proposers/submissions/new.html", {"form": form}, status=status)


@login_required
@require_GET
def new(request):
    return _new_page(request, DraftForm(leads=_leads(request.user)))


@login_required
@one_time
def create(request):
    user = request.user
    form = DraftForm(request.POST, leads=_leads(user))

    def call(data):
        return submissions.create_draft(
            actor=user,
            now=timezone.now(),
            lead=data["lead"],
            kind=data["kind"],
            title=data["title"].strip(),
            text=data["text"],
            category=data["category"],
            disclosure=data["disclosure"],
        )

    outcome = perform(
        request, form, call, then=_detail_url, message=_("The draft is saved. Invite co-signers, then hand it in.")
    )
    return outcome.response or _new_page(request, form, status=outcome.status)


# The draft, and the submission once handed in.


def _draft_initial(submission):
    return {name: getattr(submission, name) for name in ("kind", "title", "text", "category", "disclosure")}


def _detail_page(request, submission, *, forms=None, status=200):
    forms = forms or {}
    draft = submission.state == State.DRAFT
    withdrawable = submission.state in (State.DRAFT, State.SUBMITTED)
    # An act refused because the submission moved on: its form is no longer shown, its reason is.
    shown = dict.fromkeys(DRAFT_ACTS, draft) | {"withdraw": withdrawable}
    refused = [form for name, form in forms.items() if not shown[name]]
    context = {
        "submission": submission,
        "draft": draft,
        "refused": refused[0] if refused else None,
        "withdrawable": withdrawable,
        "invitations": list(submission.invitations.select_related("proposer").order_by("invited_at", "pk")),
        "files": list(submission.files.order_by("uploaded_at", "pk")),
        "edit_form": forms.get("edit") or DraftForm(submission=submission, initial=_draft_initial(submission)),
        "file_form": forms.get("file") or FileForm(),
        "invite_form": (forms.get("invite") or InviteForm(submission=submission)) if draft else None,
        "submit_form": forms.get("submit") or ActForm(),
        "withdraw_form": forms.get("withdraw") or ActForm(),
    }
    return render(request, "proposers/submissions/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, pk):
    return _detail_page(request, _own(request.user, pk))


def _act(request, pk, name, make_form, call, message, *, then=None):
    """One act on the user's own submission: the form parses, the service decides, refusals come back on the page."""
    submission = _own(request.user, pk)
    form = make_form(submission)
    outcome = perform(
        request,
        form,
        lambda data: call(submission, data),
        then=then or _detail_url(submission),
        message=message,
    )
    return outcome.response or _detail_page(request, submission, forms={name: form}, status=outcome.status)


@login_required
@one_time
def edit(request, pk):
    def call(submission, data):
        fields = {name: data[name] for name in ("kind", "text", "category", "disclosure")}
        return submissions.edit_draft(
            actor=request.user, now=timezone.now(), submission=submission, title=data["title"].strip(), **fields
        )

    def form(submission):
        return DraftForm(request.POST, submission=submission)

    return _act(request, pk, "edit", form, call, _("The draft is saved."))


@login_required
@one_time
def add_file(request, pk):
    def call(submission, data):
        return submissions.add_file(
            actor=request.user, now=timezone.now(), submission=submission, uploaded_file=data["file"]
        )

    return _act(request, pk, "file", lambda s: FileForm(request.POST, request.FILES), call, _("The file is attached."))


@login_required
@one_time
def invite(request, pk):
    def call(submission, data):
        return submissions.invite(
            actor=request.user, now=timezone.now(), submission=submission, proposer=data["proposer"]
        )

    def message(invitation):
        return _("%(name)s is invited to co-sign until %(date)s.") % {
            "name": invitation.proposer.name,
            "date": invitation.answer_by.isoformat(),
        }

    return _act(request, pk, "invite", lambda s: InviteForm(request.POST, submission=s), call, message)


@login_required
@one_time
def hand_in(request, pk):
    def call(submission, data):
        return submissions.submit(actor=request.user, now=timezone.now(), submission=submission)

    return _act(
        request,
        pk,
        "submit",
        lambda s: ActForm(request.POST),
        call,
        _("The item is handed in: the office records it as an item. You may still withdraw it until then."),
    )


@login_required
@one_time
def withdraw(request, pk):
    def call(submission, data):
        return submissions.withdraw(actor=request.user, now=timezone.now(), submission=submission)

    return _act(
        request,
        pk,
        "withdraw",
        lambda s: ActForm(request.POST),
        call,
        _("The item is withdrawn."),
        then=reverse("submissions:mine"),
    )


@login_required
@require_GET
def file_download(request, pk):
    """A submission's file, for who may read the submission (its proposer, an invited co-signer, the office)."""
    kept = SubmissionFile.objects.filter(submission__in=selectors.visible_submissions(request.user), pk=pk).first()
    if kept is None:
        raise Http404
    record(action=Action.DOWNLOADED, obj=kept, file=kept.original_name)
    return FileResponse(
        kept.file.open("rb"), as_attachment=True, filename=kept.original_name, content_type=kept.content_type
    )


# An invitation to co-sign.


def _invitation(user, pk) -> CoSignInvitation:
    found = (
        selectors.own_invitations(user)
        .select_related("submission__lead", "submission__category", "proposer")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _invitation_page(request, invitation, *, form=None, status=200):
    submission = invitation.submission
    context = {
        "invitation": invitation,
        "submission": submission,
        "open": invitation.state == Invitation.PENDING and submission.state in (State.DRAFT, State.SUBMITTED),
        "files": list(submission.files.order_by("uploaded_at", "pk")),
        "form": form or ActForm(),
    }
    return render(request, "proposers/submissions/invitation.html", context, status=status)


@login_required
@require_GET
def invitation(request, pk):
    return _invitation_page(request, _invitation(request.user, pk))


def _answer(request, pk, verb, message):
    found = _invitation(request.user, pk)
    form = ActForm(request.POST)
    outcome = perform(
        request,
        form,
        lambda data: verb(actor=request.user, now=timezone.now(), invitation=found),
        then=reverse("submissions:invitation", args=[found.pk]),
        message=message,
    )
    return outcome.response or _invitation_page(request, found, form=form, status=outcome.status)


@login_required
@one_time
def confirm(request, pk):
    return _answer(request, pk, submissions.confirm, _("You co-sign this item."))


@login_required
@one_time
def decline(request, pk):
    return _answer(request, pk, submissions.decline, _("You do not co-sign this item; it goes on without you."))
