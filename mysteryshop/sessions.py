"""The session engine: Django's database sessions, with each row naming its user.

Settings: SESSION_ENGINE = "mysteryshop.sessions". Every save writes the signed-in
user's id beside the session, so `UserSession.objects.filter(user=...)` finds all of
someone's sessions (Django's own table cannot be searched by user).
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        # By name from the app registry: the model names this engine too, and modules import one way.
        return apps.get_model("mysteryshop", "UserSession")

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session
