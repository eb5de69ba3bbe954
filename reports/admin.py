from django.contrib import admin

from .models import Finding


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["title", "contact_point", "status", "response_due"]
    list_filter = ["status"]
    # Steps happen through the workflow pages, which keep the history and tell the other side.
    # Cited reports too: only the service checks that a report is approved and released.
    readonly_fields = [
        "status",
        "response_due",
        "cited_reports",
        "raised_by",
        "raised_at",
        "responded_by",
        "responded_at",
        "closed_at",
    ]
