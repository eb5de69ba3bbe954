from django.contrib import admin

from .models import CommitmentArea, ContactPoint, PolicingArea, Questionnaire, Scenario, ScenarioSuggestion

admin.site.register(PolicingArea)
admin.site.register(CommitmentArea)
admin.site.register(Questionnaire)
admin.site.register(ScenarioSuggestion)


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "policing_area", "active"]
    list_filter = ["channel", "active"]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["title", "channel", "status", "revision"]
    list_filter = ["status", "channel"]
    # Approval happens through the workflow pages, never by editing the status here.
    readonly_fields = ["status"]
