"""The roles of the scheme. Each is a Django group, created by a data migration."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    APPLICANT = "Applicant", "Applicant"
    VOLUNTEER = "Volunteer", "Volunteer"
    COORDINATOR = "Coordinator", "OPCC coordinator"
    COMMISSIONER = "Commissioner", "Commissioner"
    FORCE_LIAISON = "Force liaison", "Force liaison"


OPCC_ROLES = (Role.COORDINATOR, Role.COMMISSIONER)
# Roles that must use two-factor sign-in.
STAFF_ROLES = (Role.COORDINATOR, Role.COMMISSIONER, Role.FORCE_LIAISON)
