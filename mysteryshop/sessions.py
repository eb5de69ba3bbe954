"""The session engine: Django's database sessions, with each row naming its user.

Settings: SESSION_ENGINE = "mysteryshop.sessions". Every save writes the signed-in
user's id beside the session, so `UserSession.objects.filter(user=...)` finds all of
someone's sessions (Django's own table cannot be searched by user).
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from .models import UserSession

        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session
