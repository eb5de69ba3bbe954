from django.contrib import admin

from .models import ExpenseClaim, PrivacyNotice, TrainingModule, TrainingSession, Volunteer


@admin.register(TrainingModule)
class TrainingModuleAdmin(admin.ModelAdmin):
    list_display = ["name", "required", "refresh_months"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["module", "starts_at", "venue", "capacity"]
    list_select_related = ["module"]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "status", "postcode"]
    list_filter = ["status"]
    search_fields = ["last_name", "first_name", "email"]


admin.site.register(PrivacyNotice)
admin.site.register(ExpenseClaim)
