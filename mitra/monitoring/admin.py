from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mitra.monitoring.models import MonitoringEntry, MonitoringEvidence, MonitoringRound


@admin.register(MonitoringRound)
class MonitoringRoundAdmin(SimpleHistoryAdmin):
    list_display = ["title", "period_kind", "year", "due_date", "status"]
    list_filter = ["status", "period_kind"]
    search_fields = ["title"]
    raw_id_fields = ["opened_by", "closed_by"]


class MonitoringEvidenceInline(admin.TabularInline):
    model = MonitoringEvidence
    extra = 0
    raw_id_fields = ["uploaded_by"]


@admin.register(MonitoringEntry)
class MonitoringEntryAdmin(SimpleHistoryAdmin):
    list_display = ["round", "agreement", "implementation_status", "submitted_at"]
    list_filter = ["round", "implementation_status"]
    search_fields = ["agreement__number", "agreement__title"]
    raw_id_fields = ["round", "agreement", "filled_by", "assignees", "activities"]
    inlines = [MonitoringEvidenceInline]
