from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mitra.proposals.models import (
    CallDecline,
    CallForProposals,
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    Review,
    RubricCriterion,
    Score,
)


class ProposalEventInline(admin.TabularInline):
    model = ProposalEvent
    extra = 0
    fields = [
        "at",
        "kind",
        "actor",
        "actor_name",
        "from_status",
        "to_status",
        "comment",
    ]
    readonly_fields = fields
    can_delete = False


class ProposalAttachmentInline(admin.TabularInline):
    model = ProposalAttachment
    extra = 0
    fields = ["description", "file", "uploaded_by", "created_at"]
    readonly_fields = ["uploaded_by", "created_at"]


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "year", "status", "source", "unit", "score"]
    list_filter = ["status", "source", "year", "document_type", "is_external"]
    search_fields = ["number", "title", "partner_name", "proposer_organisation"]
    raw_id_fields = [
        "unit",
        "partner",
        "call",
        "meeting",
        "agreement",
        "created_by",
        "decided_by",
    ]
    readonly_fields = ["score", "submitted_at", "last_activity_at", "decided_at"]
    inlines = [ProposalAttachmentInline, ProposalEventInline]


@admin.register(CallForProposals)
class CallForProposalsAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "deadline"]
    list_filter = ["year"]
    filter_horizontal = ["units"]


@admin.register(CallDecline)
class CallDeclineAdmin(admin.ModelAdmin):
    list_display = ["call", "unit", "declined_by", "declined_at"]


@admin.register(RubricCriterion)
class RubricCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "weight", "order", "is_active"]
    list_editable = ["weight", "order", "is_active"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["proposal", "reviewer", "recommendation", "completed_at"]
    raw_id_fields = ["proposal", "reviewer", "assigned_by"]
    inlines = [ScoreInline]
