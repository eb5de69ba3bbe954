from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from .roles import STAFF_ROLES, Role


class User(AbstractUser):
    """A person who signs in. Roles are Django groups (see mysteryshop.roles)."""

    class Meta:
        db_table = "mysteryshop_user"

    @cached_property
    def role_names(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: Role | str) -> bool:
        return any(str(role) in self.role_names for role in roles)

    @property
    def is_opcc_staff(self) -> bool:
        """Coordinators and the commissioner: the office that runs the scheme."""
        return self.has_role(Role.COORDINATOR, Role.COMMISSIONER)

    @property
    def needs_two_factor(self) -> bool:
        return self.is_superuser or self.has_role(*STAFF_ROLES)


class WorkerHeartbeat(models.Model):
    """One row, touched by a beat task, so /healthz can tell that workers run."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class StatusHistory(models.Model):
    """A row of a lifecycle's history: who moved it, when, and why. Each app adds its object and statuses."""

    by = models.ForeignKey("mysteryshop.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
