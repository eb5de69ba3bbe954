"""Demo sign-ins shared by every role. Each app's own demo data builds on these."""

from __future__ import annotations

import base64

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role

DEMO_PASSWORD = "mystery-shop-demo"  # noqa: S105 (public by design: demo only)
# The authenticator secret (base32) every demo staff account shares, so a newcomer can try each role:
# add it to any authenticator app, or run `manage.py demo_code` for the current code.
DEMO_TOTP_SECRET = "MYSTERYSHOPDEMOSECRETFORALLROLES"  # noqa: S105 (public by design: demo only)

DEMO_USERS = (
    # username, first name, last name, role (None: system administrator)
    ("volunteer1", "Margaret", "Hughes", Role.VOLUNTEER),
    ("volunteer2", "Derek", "Okafor", Role.VOLUNTEER),
    ("coordinator", "Priya", "Shah", Role.COORDINATOR),
    ("commissioner", "Alan", "Whitfield", Role.COMMISSIONER),
    ("liaison", "Sarah", "Bennett", Role.FORCE_LIAISON),
    ("admin", "System", "Administrator", None),
)


def seed_users() -> dict[str, object]:
    """Create or refresh the demo sign-ins; running it again changes nothing new."""
    User = get_user_model()
    users = {}
    for username, first_name, last_name, role in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = first_name
        user.last_name = last_name
        user.email = f"{username}@demo.opcc.example"
        user.is_active = True
        user.is_staff = user.is_superuser = role is None
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role is not None:
            user.groups.set([Group.objects.get(name=role)])
        if user.needs_two_factor:
            _give_demo_authenticator(user)
        users[username] = user
    return users


def demo_totp_key() -> str:
    """The demo secret as django-otp keeps keys (hex)."""
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def demo_code() -> str:
    """The 6-digit code an authenticator app holding the demo secret shows now."""
    return f"{TOTP(base64.b32decode(DEMO_TOTP_SECRET)).token():06d}"


def _give_demo_authenticator(user) -> None:
    """One confirmed authenticator app with the shared demo secret; running again adds nothing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        TOTPDevice.objects.create(user=user, name="Demo authenticator", key=demo_totp_key(), confirmed=True)
    elif device.key != demo_totp_key():
        device.key = demo_totp_key()
        device.save(update_fields=["key"])
