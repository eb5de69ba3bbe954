"""Workflows of the results capability: releasing a quarter to the force."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mysteryshop.roles import Role

from .models import PeriodKind, Release
from .rollups import period_end, period_start


def released_quarters() -> list[date]:
    """First days of the quarters the force may see, newest first."""
    return Release.objects.quarter_starts()


def is_released(day: date) -> bool:
    """Whether the force may see results of a visit made on `day` (a local date)."""
    return Release.objects.filter(period_start=period_start(PeriodKind.QUARTER, day)).exists()


def release_quarter(*, start: date, by, note: str = "") -> Release:
    """Release a closed quarter's results to the force. Releasing it again changes nothing.

    Only the commissioner releases, and only a quarter that has ended: a
    quarter still running would tell the force that visits are under way.
    """
    if not by.has_role(Role.COMMISSIONER):
        raise PermissionDenied("Only the commissioner releases results to the force.")
    if start != period_start(PeriodKind.QUARTER, start):
        raise ValidationError("Choose a quarter to release.")
    if period_end(PeriodKind.QUARTER, start) > timezone.localdate():
        raise ValidationError("A quarter can be released only once it has ended.")
    existing = Release.objects.filter(period_start=start).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Release.objects.create(period_start=start, released_by=by, note=note.strip())
    except IntegrityError:  # released at the same moment by another request
        return Release.objects.get(period_start=start)
