"""The newsroom's second factor: who needs one, enrolment, codes and the two-step sign-in.

A password alone never opens a session for an account that has (or must have) a second
factor: after the password the account is only *pending* in the session, and Django's
login happens once a code from the authenticator app (TOTP) or a recovery code is
accepted. The session then carries the device the way django-otp's own forms leave it
(`django_otp.DEVICE_ID_SESSION_KEY`), which is what the admin site checks.
"""

import base64
import time

import django_otp
import segno
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_USER_KEY = "newsroom_pending_user"
PENDING_BACKEND_KEY = "newsroom_pending_backend"
PENDING_SINCE_KEY = "newsroom_pending_since"
PENDING_MAX_AGE = 10 * 60  # seconds between the password and the code
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "تطبيق المصادقة"
RECOVERY_DEVICE_NAME = "رموز الاسترداد"


def second_factor_required(user) -> bool:
    """Editors (who may publish) and superusers must have a second factor; journalists may."""
    return user.is_superuser or user.has_perm("articles.publish_article")


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_needed(user) -> bool:
    """Whether signing in as `user` takes a code: required for the role, or chosen by enrolling."""
    return second_factor_required(user) or has_second_factor(user)


def is_verified(request: HttpRequest) -> bool:
    """The session passed the second factor (django-otp's OTPMiddleware sets `is_verified`)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def newsroom_access_allowed(request: HttpRequest) -> bool:
    """The admin's rule: a staff session is good if verified, or if the account needs no code."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return is_verified(request) or not second_factor_needed(user)


# The pending sign-in: a right password, the code still to come.


def pending_begin(request: HttpRequest, user) -> None:
    if request.user.is_authenticated:
        auth.logout(request)  # someone else's session on this browser ends here
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_BACKEND_KEY] = user.backend
    request.session[PENDING_SINCE_KEY] = int(time.time())


def pending_user(request: HttpRequest):
    """The account whose password was just accepted, or None (none, expired, or gone)."""
    user_id = request.session.get(PENDING_USER_KEY)
    since = request.session.get(PENDING_SINCE_KEY, 0)
    if user_id is None or time.time() - since > PENDING_MAX_AGE:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True, is_staff=True).first()
    if user is not None:
        user.backend = request.session.get(PENDING_BACKEND_KEY)
    return user


def pending_complete(request: HttpRequest, user, device) -> None:
    """Log `user` in as verified by `device`, the way django-otp's login forms do."""
    for key in (PENDING_USER_KEY, PENDING_BACKEND_KEY, PENDING_SINCE_KEY):
        request.session.pop(key, None)
    user.otp_device = device  # django_otp persists it on user_logged_in
    auth.login(request, user, backend=user.backend)


def device_login(request: HttpRequest, device) -> None:
    """Mark an already signed-in session as verified by `device` (a device set up just now)."""
    django_otp.login(request, device)


# Devices and codes.


def code_verify(*, user, code: str):
    """The device that accepts `code` (an app code, or a recovery code used up now), or None.

    Six digits go to the authenticator app, anything else to the recovery codes, so a
    mistyped code counts against one device's throttle only.
    """
    code = "".join(code.split()).lower()
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


def code_throttled(*, user) -> bool:
    """After wrong codes, django-otp refuses any code until a growing delay has passed."""
    devices = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
    return any(not device.verify_is_allowed()[0] for device in devices)


def totp_device_for_enrolment(*, user) -> TOTPDevice:
    """The unconfirmed authenticator being set up for `user` (made once, kept while unconfirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with its first code; return fresh recovery codes, or None."""
    if not device.verify_token("".join(code.split())):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per account: the one just set up replaces any older one.
        TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
        return recovery_codes_issue(user=device.user)


def recovery_codes_issue(*, user) -> list[str]:
    """Replace `user`'s recovery codes with new single-use ones, returned once, in clear."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no script, no request elsewhere)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1b1b1b", light="#ffffff")


def second_factor_reset(*, user) -> int:
    """Remove `user`'s authenticator and recovery codes (a lost phone); the next sign-in enrols again."""
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        removed_codes, _ = StaticDevice.objects.filter(user=user).delete()
    return removed + removed_codes
