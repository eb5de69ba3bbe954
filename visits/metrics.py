"""Metrics of visits read at each scrape (see mysteryshop.metrics)."""

from mysteryshop.metrics import gauge, register

from .models import SafetyAlert


@register
def safety():
    yield gauge(
        "mysteryshop_safety_alerts_open",
        "Visits where volunteers did not check out in time and no coordinator has yet resolved the alert.",
        SafetyAlert.objects.filter(resolved_at__isnull=True).count(),
    )
