from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from . import signin
from .models import AuditEvent, User


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the audit table is append-only (a PostgreSQL trigger refuses changes); search it at /audit/."""

    list_display = ("at", "username", "action", "object_type", "object_id", "ip")
    list_filter = ("action",)
    search_fields = ("username", "object_type", "object_id", "ip", "description")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, plus resetting two-factor sign-in; deactivating someone ends their sessions."""

    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_superuser")
    actions = ["reset_two_factor"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            signin.end_sessions(user=obj)

    @admin.action(description="Reset two-factor sign-in (for a lost phone: they set up an app again at next sign-in)")
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            signin.reset_two_factor(user=user)
        self.message_user(
            request,
            f"Reset two-factor sign-in for {queryset.count()} account(s) and signed them out everywhere.",
            messages.SUCCESS,
        )
