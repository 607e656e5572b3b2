"""The second factor (TOTP, django-otp): who needs it, enrolling an authenticator app, its QR code.

The admin site always asks for it (ADMIN_REQUIRES_OTP); office staff when their district says
so (`DistrictSecurity.office_requires_otp`). A login that needs it is verified once per session.
"""

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from districts.models import Membership, Role

DEVICE_NAME = "authenticator"


def office_requires_otp(user) -> bool:
    """Whether `user` is office staff of a district that asks its office for a second factor."""
    return Membership.objects.filter(
        user=user, role=Role.OFFICE, is_active=True, district__security__office_requires_otp=True
    ).exists()


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user):
    """The unconfirmed device being enrolled (a new secret once one is confirmed or none exists)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm(device):
    """The enrolled app becomes the login's only one: a new phone replaces the old (lost or given back)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()


def qr_svg(device) -> str:
    """The otpauth:// address as an SVG drawn on the server (no script, no style attribute)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, omitsize=True)
