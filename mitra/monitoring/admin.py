"""Admin pages of monitoring, held to the rules of its services.

A round is deleted only as the app deletes it (`services.round_delete`:
nobody answered and no recap was issued), and the entries of a closed round
no longer change.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mitra.core.admin import MitraHistoryAdmin, MitraTabularInline
from mitra.monitoring import services
from mitra.monitoring.models import MonitoringEntry, MonitoringEvidence, MonitoringRound


@admin.register(MonitoringRound)
class MonitoringRoundAdmin(MitraHistoryAdmin):
    list_display = ["title", "period_kind", "year", "due_date", "status"]
    list_filter = ["status", "period_kind"]
    search_fields = ["title"]
    raw_id_fields = ["opened_by", "closed_by"]

    def delete_refusal(self, request, obj):
        if services.round_can_be_deleted(obj):
            return None
        return _(
            "A round with submitted entries or an issued recap cannot be "
            "deleted; close it instead."
        )

    def delete_model(self, request, obj):
        services.round_delete(monitoring_round=obj, by=request.user)


class MonitoringEvidenceInline(MitraTabularInline):
    model = MonitoringEvidence
    extra = 0
    raw_id_fields = ["uploaded_by"]
    file_downloads = {"file": "monitoring:evidence_file"}


@admin.register(MonitoringEntry)
class MonitoringEntryAdmin(MitraHistoryAdmin):
    list_display = ["round", "agreement", "implementation_status", "submitted_at"]
    list_filter = ["round", "implementation_status"]
    search_fields = ["agreement__number", "agreement__title"]
    raw_id_fields = ["round", "agreement", "filled_by", "assignees", "activities"]
    inlines = [MonitoringEvidenceInline]

    def change_refusal(self, request, obj):
        if obj.round.is_open:
            return None
        return _("The round is closed: its entries can no longer be changed.")
