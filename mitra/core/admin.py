from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from mitra.core.models import JobRun, Notification, OutboxEmail, Unit, User


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "level", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    filter_horizontal = ["units", "groups", "user_permissions"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Mitra"), {"fields": ("role", "units", "position", "phone")}),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username", "dedupe_key"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["created_at", "subject_type", "subject_id", "dedupe_key"]
    date_hierarchy = "created_at"


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """The outbox: the office sees here what failed, why, and when it retries."""

    list_display = [
        "recipient",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["recipient", "subject", "dedupe_key"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "status",
        "attempts",
        "last_error",
        "dedupe_key",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Try the selected failed emails again"))
    def retry(self, request, queryset):
        count = queryset.filter(
            status__in=[OutboxEmail.Status.FAILED, OutboxEmail.Status.GAVE_UP]
        ).update(status=OutboxEmail.Status.PENDING, attempts=0, next_attempt_at=None)
        self.message_user(
            request,
            _("%(count)s emails will be sent at the next outbox run.")
            % {"count": count},
        )


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "as_of", "ok", "started_at", "finished_at"]
    list_filter = ["ok", "job"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "job",
        "as_of",
        "ok",
        "summary",
        "error",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
