"""Admin pages of planning.

The cooperation-type catalogue can be edited here; every other planning
record is shown read-only, because its changes must go through Mitra's own
pages (which lock issued mappings, minutes and programmes).
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mitra.planning.models import (
    ActionItem,
    AnnualProgramme,
    AnnualTarget,
    AnnualTargetSet,
    CooperationType,
    Meeting,
    MultiYearPlan,
    NeedsMapping,
)


@admin.register(CooperationType)
class CooperationTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "education", "research", "community_service"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NeedsMapping)
class NeedsMappingAdmin(ReadOnlyAdmin):
    list_display = ["year", "status"]


@admin.register(AnnualTargetSet)
class AnnualTargetSetAdmin(ReadOnlyAdmin):
    list_display = ["year", "status", "approved_at", "approved_by"]


@admin.register(AnnualTarget)
class AnnualTargetAdmin(ReadOnlyAdmin):
    list_display = ["year", "unit", "measure", "document_type", "scope", "count"]
    list_filter = ["year", "measure"]
    list_select_related = ["unit"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "date", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ["description", "owner", "due_date", "status"]
    list_filter = ["status"]
    list_select_related = ["owner"]


@admin.register(AnnualProgramme)
class AnnualProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["year", "status", "approved_on"]


@admin.register(MultiYearPlan)
class MultiYearPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "start_year", "end_year", "approved_on"]
