"""Admin pages of proposals, held to the rules of their services.

A proposal decided or withdrawn no longer changes, and only a draft is
deleted (`services.proposal_delete`); the permission gate, which the app's
pages ask, says which.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mitra.core.admin import MitraAdmin, MitraHistoryAdmin, MitraTabularInline
from mitra.core.permissions import Action, can
from mitra.proposals import services
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


class ProposalEventInline(MitraTabularInline):
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


class ProposalAttachmentInline(MitraTabularInline):
    model = ProposalAttachment
    extra = 0
    fields = ["description", "file", "uploaded_by", "created_at"]
    readonly_fields = ["uploaded_by", "created_at"]
    file_downloads = {"file": "proposals:attachment"}


@admin.register(Proposal)
class ProposalAdmin(MitraHistoryAdmin):
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
    file_downloads = {"tor_file": "proposals:tor_file"}

    def change_refusal(self, request, obj):
        if can(request.user, Action.CHANGE, obj):
            return None
        return _("A proposal that is %(status)s can no longer be changed.") % {
            "status": obj.get_status_display().lower()
        }

    def delete_refusal(self, request, obj):
        if can(request.user, Action.DELETE, obj):
            return None
        return _("Only a draft can be deleted; withdraw a submitted proposal instead.")

    def delete_model(self, request, obj):
        services.proposal_delete(proposal=obj, by=request.user)


@admin.register(CallForProposals)
class CallForProposalsAdmin(MitraHistoryAdmin):
    list_display = ["title", "year", "deadline"]
    list_filter = ["year"]
    filter_horizontal = ["units"]


@admin.register(CallDecline)
class CallDeclineAdmin(MitraAdmin):
    list_display = ["call", "unit", "declined_by", "declined_at"]


@admin.register(RubricCriterion)
class RubricCriterionAdmin(MitraHistoryAdmin):
    list_display = ["name", "weight", "order", "is_active"]
    list_editable = ["weight", "order", "is_active"]


class ScoreInline(MitraTabularInline):
    model = Score
    extra = 0


@admin.register(Review)
class ReviewAdmin(MitraAdmin):
    list_display = ["proposal", "reviewer", "recommendation", "completed_at"]
    raw_id_fields = ["proposal", "reviewer", "assigned_by"]
    inlines = [ScoreInline]
