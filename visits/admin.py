from django.contrib import admin

from .models import Conflict, QuarterPlan, SafetyAlert, StandardComment, Visit

admin.site.register(Conflict)
admin.site.register(QuarterPlan)
admin.site.register(StandardComment)


@admin.register(SafetyAlert)
class SafetyAlertAdmin(admin.ModelAdmin):
    list_display = ["raised_at", "visit", "resolved_at"]
    list_select_related = ["visit__scenario", "visit__contact_point"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "contact_point", "scenario", "status"]
    list_filter = ["status"]
    list_select_related = ["contact_point", "scenario"]
