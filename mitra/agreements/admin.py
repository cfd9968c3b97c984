"""Admin pages of agreements, activities and the signing workflow.

Files open through Mitra's own download views; an agreement is deleted only
as the app deletes it (`services.agreement_delete`: a draft never signed).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mitra.agreements import services
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
from mitra.core.admin import MitraAdmin, MitraHistoryAdmin, MitraTabularInline
from mitra.core.permissions import Action, can


@admin.register(Agreement)
class AgreementAdmin(MitraHistoryAdmin):
    list_display = ["number", "document_type", "title", "partner", "status", "end_date"]
    list_filter = ["document_type", "status"]
    search_fields = ["number", "title", "partner__name"]
    raw_id_fields = ["partner", "parents", "renews", "partner_contact"]
    filter_horizontal = ["units", "cooperation_types"]
    file_downloads = {"signed_file": "agreements:signed_file"}

    def delete_refusal(self, request, obj):
        # The gate asks the service's rule (a draft never signed).
        if can(request.user, Action.DELETE, obj):
            return None
        return _("Only a draft can be deleted; terminate a signed agreement instead.")

    def delete_model(self, request, obj):
        services.agreement_delete(agreement=obj, by=request.user)


class ParticipationInline(MitraTabularInline):
    model = Participation
    extra = 0


class EvidenceInline(MitraTabularInline):
    model = Evidence
    extra = 0
    file_downloads = {"file": "agreements:evidence_file"}


@admin.register(Activity)
class ActivityAdmin(MitraHistoryAdmin):
    list_display = ["title", "agreement", "start_date", "unit"]
    raw_id_fields = ["agreement"]
    inlines = [ParticipationInline, EvidenceInline]


# --- The signing workflow -------------------------------------------------------


@admin.register(Clause)
class ClauseAdmin(MitraHistoryAdmin):
    list_display = ["title_id", "category", "order", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["title_id", "title_en", "text_id"]


@admin.register(DraftVersion)
class DraftVersionAdmin(MitraAdmin):
    list_display = ["agreement", "number", "source", "created_at", "locked_at"]
    list_filter = ["source"]
    raw_id_fields = ["agreement", "author", "locked_by", "template"]
    readonly_fields = ["text"]
    file_downloads = {"file": "agreements:version_file"}


class ReviewAssignmentInline(MitraTabularInline):
    model = ReviewAssignment
    extra = 0
    raw_id_fields = ["reviewer"]


@admin.register(ReviewRound)
class ReviewRoundAdmin(MitraAdmin):
    list_display = ["agreement", "version", "outcome", "current_step", "started_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["agreement", "version", "assigned_by"]
    inlines = [ReviewAssignmentInline]


@admin.register(PartnerLink)
class PartnerLinkAdmin(MitraAdmin):
    list_display = ["agreement", "contact", "created_at", "expires_at", "used_at"]
    raw_id_fields = ["agreement", "contact", "created_by"]
    exclude = ["token_hash"]


@admin.register(AgreementEvent)
class AgreementEventAdmin(MitraAdmin):
    list_display = ["agreement", "kind", "stage", "at", "actor", "actor_name"]
    list_filter = ["kind", "stage", "shared"]
    raw_id_fields = ["agreement", "actor", "version", "related"]


@admin.register(AgreementFile)
class AgreementFileAdmin(MitraAdmin):
    list_display = ["agreement", "kind", "description", "uploaded_at"]
    raw_id_fields = ["agreement", "uploaded_by"]
    file_downloads = {"file": "agreements:agreement_file"}


@admin.register(Amendment)
class AmendmentAdmin(MitraHistoryAdmin):
    list_display = ["addendum", "amends", "applied_at"]
    raw_id_fields = ["addendum", "amends", "new_partner_contact"]
    filter_horizontal = ["new_units", "new_cooperation_types"]
