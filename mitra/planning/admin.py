"""Admin pages of planning.

The cooperation-type catalogue can be edited here; every other planning
record is shown read-only (no revert to a past version either), because its
changes must go through Mitra's own pages (which lock issued mappings,
minutes and programmes). A cooperation type is never deleted, as in the
app: one no longer used is made inactive.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mitra.core.admin import MitraHistoryAdmin, ReadOnlyHistoryAdmin
from mitra.core.permissions import Action, can
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
class CooperationTypeAdmin(MitraHistoryAdmin):
    list_display = ["name", "code", "education", "research", "community_service"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]

    def delete_refusal(self, request, obj):
        # Agreements, proposals and targets keep naming the type.
        if can(request.user, Action.DELETE, obj):
            return None
        return _("A cooperation type is never deleted: make it inactive instead.")


@admin.register(NeedsMapping)
class NeedsMappingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["year", "status"]


@admin.register(AnnualTargetSet)
class AnnualTargetSetAdmin(ReadOnlyHistoryAdmin):
    list_display = ["year", "status", "approved_at", "approved_by"]


@admin.register(AnnualTarget)
class AnnualTargetAdmin(ReadOnlyHistoryAdmin):
    list_display = ["year", "unit", "measure", "document_type", "scope", "count"]
    list_filter = ["year", "measure"]
    list_select_related = ["unit"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "kind", "date", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyHistoryAdmin):
    list_display = ["description", "owner", "due_date", "status"]
    list_filter = ["status"]
    list_select_related = ["owner"]


@admin.register(AnnualProgramme)
class AnnualProgrammeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["year", "status", "approved_on"]


@admin.register(MultiYearPlan)
class MultiYearPlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "start_year", "end_year", "approved_on"]
    file_downloads = {"file": "planning:plan_file"}
