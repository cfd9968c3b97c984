from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mitra.agreements.models import Activity, Agreement, Evidence, Participation


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["number", "document_type", "title", "partner", "status", "end_date"]
    list_filter = ["document_type", "status"]
    search_fields = ["number", "title", "partner__name"]
    raw_id_fields = ["partner", "parents", "renews", "partner_contact"]
    filter_horizontal = ["units", "cooperation_types"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "agreement", "start_date", "unit"]
    raw_id_fields = ["agreement"]
    inlines = [ParticipationInline, EvidenceInline]
