"""Demo sign-ins shared by every role. Each app's own demo data builds on these."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .roles import Role

DEMO_PASSWORD = "mystery-shop-demo"  # noqa: S105 (public by design: demo only)

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
        users[username] = user
    return users
