"""One's own account, password and second factor; the one-time password of a reset, shown once.

Every change goes through `accounts.passwords` and `accounts.secondfactor`; the gate
(`accounts.middleware`) sends a login here when a change or a second factor is due.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from accounts import passwords, secondfactor, session
from accounts.models import AccountState
from web.submit import one_time

from .forms import ConfirmForm, PasswordChangeForm, TokenForm

ONE_TIME = "accounts.one_time_password"


def _next(request):
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("home")


@login_required
def overview(request):
    """Who one is here (roles), when the password was changed and becomes too old, and the second factor."""
    user = request.user
    state = AccountState.objects.filter(user=user).first()
    context = {
        "roles": user.memberships.filter(is_active=True)
        .select_related("district", "unit", "proposer")
        .order_by("role", "pk"),
        "changed_at": state.password_changed_at if state else None,
        "expires_at": passwords.expires_at(state),
        "device": secondfactor.confirmed_device(user),
        "otp_required": secondfactor.office_requires_otp(user) or (user.is_staff and settings.ADMIN_REQUIRES_OTP),
    }
    return render(request, "accounts/overview.html", context)


def _password_page(request, form, status=200):
    context = {"form": form, "forced": session.must_change(request), "next": _next(request)}
    return render(request, "accounts/password_change.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Change one's own password; the current one is asked first."""
    if request.method == "POST":
        return _password_change_post(request)
    return _password_page(request, PasswordChangeForm())


@one_time
def _password_change_post(request):
    form = PasswordChangeForm(request.POST)
    if not form.is_valid():
        return _password_page(request, form, status=400)
    data = form.cleaned_data
    try:
        passwords.change_own(
            user=request.user, now=timezone.now(), current=data["old_password"], new=data["new_password1"]
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field, error)
        return _password_page(request, form, status=400)
    update_session_auth_hash(request, request.user)
    session.changed(request)
    messages.success(request, gettext("Your password has been changed."))
    return redirect(_next(request))


def _token_page(request, template, form, status=200, **context):
    return render(request, template, {"form": form, "next": _next(request), **context}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Enrol an authenticator app: scan the QR code (or type the key), then confirm with its first code."""
    device = secondfactor.enrolment_device(request.user)
    context = {"svg": secondfactor.qr_svg(device), "key": device.config_url.split("secret=")[1].split("&")[0]}
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and device.verify_token(form.cleaned_data["token"].strip()):
            secondfactor.confirm(device)
            otp_login(request, device)
            messages.success(request, gettext("Your authenticator app is enrolled."))
            return redirect(_next(request))
        if form.is_valid():
            form.add_error("token", gettext("This code is not right. Check the clock of your phone and try again."))
        return _token_page(request, "accounts/enrol.html", form, status=400, **context)
    return _token_page(request, "accounts/enrol.html", form, **context)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of a login that needs a second factor: the code the app shows now."""
    device = secondfactor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('accounts:enrol')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            allowed, _details = device.verify_is_allowed()
            if allowed and device.verify_token(form.cleaned_data["token"].strip()):
                otp_login(request, device)
                return redirect(_next(request))
            form.add_error(
                "token",
                gettext("This code is not right.")
                if allowed
                else gettext("Too many wrong codes: wait a minute and try again."),
            )
        return _token_page(request, "accounts/verify.html", form, status=400)
    return _token_page(request, "accounts/verify.html", form)


def keep_once(request, person, password):
    """Keep a reset's one-time password for the page that shows it once (`accounts:one_time_password`)."""
    request.session[ONE_TIME] = {"user": person.pk, "name": str(person), "password": password}


@login_required
def one_time_password(request):
    """The one-time password of the reset just done, shown this once (reloading shows it no more)."""
    shown = request.session.pop(ONE_TIME, None)
    return render(request, "accounts/one_time_password.html", {"shown": shown})


@login_required
@require_http_methods(["GET", "POST"])
def admin_reset(request, pk):
    """A system administrator resets someone's password (linked from the admin's user page)."""
    if not request.user.is_superuser:
        raise PermissionDenied(gettext("Only a system administrator may reset this password."))
    person = get_object_or_404(get_user_model(), pk=pk)
    if request.method == "POST":
        return _admin_reset_post(request, person)
    return render(request, "accounts/admin_reset.html", {"person": person, "form": ConfirmForm()})


@one_time
def _admin_reset_post(request, person):
    password = passwords.reset_by_admin(actor=request.user, now=timezone.now(), user=person)
    keep_once(request, person, password)
    return redirect("accounts:one_time_password")
