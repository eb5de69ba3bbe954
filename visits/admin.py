from django.contrib import admin

from .models import Conflict, QuarterPlan, Visit

admin.site.register(Conflict)
admin.site.register(QuarterPlan)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "contact_point", "scenario", "status"]
    list_filter = ["status"]
    list_select_related = ["contact_point", "scenario"]
