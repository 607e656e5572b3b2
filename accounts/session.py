"""What a login must do before anything else, decided once at login and kept in its session.

Kept in the session so that the gate (`accounts.middleware`) asks no query on each request.
"""

MUST_CHANGE = "accounts.must_change"
NEEDS_OTP = "accounts.needs_otp"


def must_change(request) -> bool:
    return bool(request.session.get(MUST_CHANGE))


def needs_otp(request) -> bool:
    return bool(request.session.get(NEEDS_OTP))


def changed(request):
    request.session.pop(MUST_CHANGE, None)
