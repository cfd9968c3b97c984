from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mitra.agreements.models import (
    Activity,
    Agreement,
    AgreementEvent,
    AgreementFile,
    Amendment,
    Clause,
    DraftVersion,
    Evidence,
    Participation,
    PartnerLink,
    ReviewAssignment,
    ReviewRound,
)


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


# --- The signing workflow -------------------------------------------------------


@admin.register(Clause)
class ClauseAdmin(SimpleHistoryAdmin):
    list_display = ["title_id", "category", "order", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["title_id", "title_en", "text_id"]


@admin.register(DraftVersion)
class DraftVersionAdmin(admin.ModelAdmin):
    list_display = ["agreement", "number", "source", "created_at", "locked_at"]
    list_filter = ["source"]
    raw_id_fields = ["agreement", "author", "locked_by", "template"]
    readonly_fields = ["text"]


class ReviewAssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    raw_id_fields = ["reviewer"]


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ["agreement", "version", "outcome", "current_step", "started_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["agreement", "version", "assigned_by"]
    inlines = [ReviewAssignmentInline]


@admin.register(PartnerLink)
class PartnerLinkAdmin(admin.ModelAdmin):
    list_display = ["agreement", "contact", "created_at", "expires_at", "used_at"]
    raw_id_fields = ["agreement", "contact", "created_by"]
    exclude = ["token_hash"]


@admin.register(AgreementEvent)
class AgreementEventAdmin(admin.ModelAdmin):
    list_display = ["agreement", "kind", "stage", "at", "actor", "actor_name"]
    list_filter = ["kind", "stage", "shared"]
    raw_id_fields = ["agreement", "actor", "version", "related"]


@admin.register(AgreementFile)
class AgreementFileAdmin(admin.ModelAdmin):
    list_display = ["agreement", "kind", "description", "uploaded_at"]
    raw_id_fields = ["agreement", "uploaded_by"]


@admin.register(Amendment)
class AmendmentAdmin(SimpleHistoryAdmin):
    list_display = ["addendum", "amends", "applied_at"]
    raw_id_fields = ["addendum", "amends", "new_partner_contact"]
    filter_horizontal = ["new_units", "new_cooperation_types"]
