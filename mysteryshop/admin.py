from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import signin
from .models import AuditEvent, OutgoingEmail, OutgoingEmailStatus, User


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

    @admin.action(
        description=_("Reset two-factor sign-in (for a lost phone: they set up an app again at next sign-in)")
    )
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            signin.reset_two_factor(user=user)
        self.message_user(
            request,
            ngettext(
                "Reset two-factor sign-in for %(count)s account and signed it out everywhere.",
                "Reset two-factor sign-in for %(count)s accounts and signed them out everywhere.",
                queryset.count(),
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The e-mail outbox, read only (bodies are not shown): what waits, what went, what was given up.

    A given-up e-mail (the server refused it, or it stayed unsent too long) can be sent again once
    the cause is fixed.
    """

    list_display = ("created_at", "to", "subject", "status", "attempts", "last_error")
    list_filter = ("status",)
    search_fields = ("to", "subject")
    date_hierarchy = "created_at"
    fields = ("created_at", "to", "subject", "status", "attempts", "next_attempt_at", "claimed_at", "sent_at",
              "last_error", "message_id")  # fmt: skip
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again (given-up e-mails only)"))
    def send_again(self, request, queryset):
        count = queryset.filter(status=OutgoingEmailStatus.FAILED).update(
            status=OutgoingEmailStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), created_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext(
                "%(count)s e-mail will be sent again within two minutes.",
                "%(count)s e-mails will be sent again within two minutes.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
