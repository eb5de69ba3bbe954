"""The sign-in backend: Django's ModelBackend, reading a signed-in user's roles with the user."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection

from .models import User


class RolesModelBackend(ModelBackend):
    """Every request loads the signed-in user; on PostgreSQL their roles (group names) come in the
    same query, so checking a role costs no query of its own on any page."""

    def get_user(self, user_id):
        if connection.vendor != "postgresql":
            return super().get_user(user_id)
        try:
            user = User._default_manager.annotate(group_names=ArrayAgg("groups__name", default=None)).get(pk=user_id)
        except User.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        # Fills the cached property User.role_names, which would otherwise ask the database.
        user.role_names = (
            frozenset(name for name in (user.group_names or ()) if name) if user.is_active else frozenset()
        )
        return user
