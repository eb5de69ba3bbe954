"""The roles of the scheme. Each is a Django group, created by a data migration."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "Applicant", _("Applicant")
    VOLUNTEER = "Volunteer", _("Volunteer")
    COORDINATOR = "Coordinator", _("OPCC coordinator")
    COMMISSIONER = "Commissioner", _("Commissioner")
    FORCE_LIAISON = "Force liaison", _("Force liaison")


OPCC_ROLES = (Role.COORDINATOR, Role.COMMISSIONER)
# Roles that must use two-factor sign-in.
STAFF_ROLES = (Role.COORDINATOR, Role.COMMISSIONER, Role.FORCE_LIAISON)
