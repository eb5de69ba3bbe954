"""Sign-in security: two-factor codes, recovery codes, throttling and ending sessions.

Staff (coordinators, the commissioner, force liaison) and system administrators
confirm a code from an authenticator app after their password
(`User.needs_two_factor`); `TwoFactorRequiredMiddleware` keeps them to the code
step until they have. The codes are django-otp devices: a `TOTPDevice` for the
app and a `StaticDevice` holding the one-time recovery codes.
"""

from __future__ import annotations

import base64
import hashlib
import math
from binascii import unhexlify
from datetime import datetime, timedelta
from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext, gettext_lazy, ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .models import PasswordResetRequest, UserSession

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
# Where the set-up page keeps the secret it showed until the person confirms a code from it.
PENDING_KEY_SESSION_KEY = "two_factor_pending_key"
# When a signed-in person last did something (a Unix time), for the staff idle timeout.
LAST_ACTIVITY_SESSION_KEY = "last_activity"

WRONG_CODE = gettext_lazy(
    "That code did not work. Enter the 6-digit code your app shows now: each code works only once."
)
WRONG_RECOVERY_CODE = gettext_lazy(
    "That recovery code did not work. Check it, or use another one: each works only once."
)


# --- Who is asking --------------------------------------------------------------


def client_address(request) -> str:
    """The client's address, looking past the `MYSTERYSHOP_PROXY_COUNT` proxies the site trusts.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is
    that many entries from the end; anything further left was written by the client and
    is ignored. With no trusted proxy (the default) it is REMOTE_ADDR.
    """
    proxies = settings.MYSTERYSHOP_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def salted_hash(value: str) -> str:
    """A salted hash: enough to count attempts by an address, not to tell whose it was."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()


# --- Two-factor devices -----------------------------------------------------------


def authenticator_for(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def has_two_factor(user) -> bool:
    """Whether the person has anything to prove who they are with: an app, or recovery codes left."""
    return authenticator_for(user) is not None or recovery_codes_left(user) > 0


def pending_secret(request) -> str:
    """The secret (hex) the set-up page shows, kept in the session until a code from it is confirmed.

    Nothing is saved until then, so an abandoned set-up leaves no device behind.
    """
    key = request.session.get(PENDING_KEY_SESSION_KEY)
    if not key:
        key = request.session[PENDING_KEY_SESSION_KEY] = random_hex(20)
    return key


def secret_in_groups(key: str) -> str:
    """A hex secret as authenticator apps want it typed: base32, in groups of four."""
    secret = base64.b32encode(unhexlify(key)).decode()
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def setup_qr_code(*, user, key: str) -> str:
    """A `data:` URI of an SVG QR code that authenticator apps scan to add the account."""
    url = TOTPDevice(user=user, key=key).config_url
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def confirm_authenticator(*, request, code: str) -> list[str]:
    """Check a code from the app being set up; if right, make it the person's app and give new recovery codes.

    Replaces any earlier app (so "set up a different app" works without a gap) and
    marks this session as verified. Returns the new recovery codes to show once.
    Raises ValidationError for a wrong code; nothing changes then.
    """
    user = request.user
    key = request.session.get(PENDING_KEY_SESSION_KEY)
    if not key:
        raise ValidationError(gettext("The set-up page had expired. Scan the new QR code and enter the code it gives."))
    totp = TOTP(unhexlify(key))
    if not totp.verify(int(code), tolerance=1):
        raise ValidationError(
            gettext(
                "That code did not work. Check the app shows the account you have just added, "
                "and enter the 6-digit code it shows now."
            )
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        # The code just used is spent: the next one must come from a later time step.
        device = TOTPDevice.objects.create(
            user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True, drift=totp.drift, last_t=totp.t()
        )
        codes = new_recovery_codes(user=user)
    del request.session[PENDING_KEY_SESSION_KEY]
    mark_verified(request, device)
    return codes


def mark_verified(request, device) -> None:
    """Mark this session as past the second factor, under a new session key.

    The key changed at the password; it changes again here, so a session key learnt
    between the two steps (a shared computer, a log) is worth nothing once the code is given.
    """
    request.session.cycle_key()
    django_otp.login(request, device)


def new_recovery_codes(*, user) -> list[str]:
    """Replace the person's recovery codes with `RECOVERY_CODE_COUNT` new ones and return them (shown once)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_CODES_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [f"{code[:4]} {code[4:]}" for code in codes]


def verify_code(*, request, code: str) -> None:
    """Check a code from the person's authenticator app and mark this session as verified.

    Each code works once (django-otp refuses a time step already used), and wrong codes
    slow further tries down: after n wrong codes in a row the next try waits 2^(n-1)
    seconds. Raises ValidationError with what to do.
    """
    device = authenticator_for(request.user)
    if device is None:
        raise ValidationError(gettext("You have no authenticator app set up. Use a recovery code instead."))
    _refuse_while_throttled(device)
    verified = django_otp.verify_token(request.user, device.persistent_id, code)
    if verified is None:
        raise ValidationError(WRONG_CODE)
    mark_verified(request, verified)


def verify_recovery_code(*, request, code: str) -> int:
    """Accept one of the person's recovery codes, once, and mark this session as verified.

    Returns how many recovery codes are left. Raises ValidationError for a wrong or used code.
    """
    token = "".join(code.split()).replace("-", "").lower()
    device = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        raise ValidationError(WRONG_RECOVERY_CODE)
    _refuse_while_throttled(device)
    verified = django_otp.verify_token(request.user, device.persistent_id, token)
    if verified is None:
        raise ValidationError(WRONG_RECOVERY_CODE)
    mark_verified(request, verified)
    return verified.token_set.count()


def _refuse_while_throttled(device) -> None:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        count = details["failure_count"]
        raise ValidationError(
            ngettext(
                "After %(count)s wrong code in a row, please wait: you can try again %(when)s.",
                "After %(count)s wrong codes in a row, please wait: you can try again %(when)s.",
                count,
            )
            % {"count": count, "when": _when(details["locked_until"])}
        )


def _when(moment: datetime) -> str:
    seconds = math.ceil((moment - timezone.now()).total_seconds())
    if seconds <= 90:
        return f"in {max(seconds, 1)} second{'s' if seconds > 1 else ''}"
    return f"after {clock_time(moment)}"


def clock_time(moment: datetime) -> str:
    """A time as people write it in the UK, in Europe/London: 3:45pm."""
    return format_date(timezone.localtime(moment), "g:iA").lower()


@transaction.atomic
def reset_two_factor(*, user) -> None:
    """Remove the person's authenticator app and recovery codes and end their sessions.

    For a lost phone: at their next sign-in they set up an app again from the start.
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    end_sessions(user=user)


# --- Sessions ---------------------------------------------------------------------


def end_sessions(*, user) -> int:
    """End every session of this person now (they must sign in again everywhere)."""
    deleted, _ = UserSession.objects.filter(user=user).delete()
    return deleted


def idle_timeout() -> timedelta:
    return timedelta(minutes=settings.MYSTERYSHOP_STAFF_IDLE_MINUTES)


# --- Throttling -------------------------------------------------------------------


def signin_paused_until(request, credentials) -> datetime:
    """When a paused sign-in may be tried again: the latest counted failure plus the lockout time.

    django-axes counts failures per account and per client address; each lapses
    `MYSTERYSHOP_SIGNIN_LOCKOUT_MINUTES` after it was made.
    """
    from axes.handlers.proxy import AxesProxyHandler

    handler = AxesProxyHandler.get_implementation()
    latest = [
        attempts.aggregate(latest=Max("attempt_time"))["latest"]
        for attempts in handler.get_user_attempts(request, credentials)
    ]
    latest = [moment for moment in latest if moment is not None]
    return (max(latest) if latest else timezone.now()) + settings.AXES_COOLOFF_TIME


def may_send_password_reset(*, request, email: str) -> bool:
    """Record a request for a password reset link, and say whether to send one.

    At most `MYSTERYSHOP_PASSWORD_RESETS_PER_HOUR` links go out in an hour for one
    client address and for one e-mail address. Counted in PostgreSQL (salted hashes),
    so it holds with Redis down. The page looks the same either way, so it never tells
    whether an address has an account.
    """
    now = timezone.now()
    client, address = salted_hash(client_address(request)), salted_hash(email.strip().lower())
    PasswordResetRequest.objects.filter(at__lt=now - timedelta(days=1)).delete()
    recent = PasswordResetRequest.objects.filter(at__gte=now - timedelta(hours=1))
    limit = settings.MYSTERYSHOP_PASSWORD_RESETS_PER_HOUR
    allowed = recent.filter(client=client).count() < limit and recent.filter(email=address).count() < limit
    PasswordResetRequest.objects.create(at=now, client=client, email=address)
    return allowed


def clear_throttling_records(*, now: datetime | None = None) -> int:
    """Delete throttling records older than `MYSTERYSHOP_THROTTLE_RECORD_HOURS`: django-axes's failed
    sign-in counts (username, address, browser) and password-reset request hashes.

    They exist only to pause guessing for minutes; the audit log keeps the record of sign-ins.
    A pause still running is never cut short: records are kept at least as long as the pause.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    now = now or timezone.now()
    hours = max(settings.MYSTERYSHOP_THROTTLE_RECORD_HOURS, 1)
    keep = max(timedelta(hours=hours), timedelta(minutes=settings.MYSTERYSHOP_SIGNIN_LOCKOUT_MINUTES))
    cutoff = now - keep
    removed = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        removed += model.objects.filter(attempt_time__lt=cutoff).delete()[0]
    removed += PasswordResetRequest.objects.filter(at__lt=min(cutoff, now - timedelta(hours=1))).delete()[0]
    return removed
