from django.contrib import admin

from mitra.core.admin import MitraAdmin, MitraHistoryAdmin, MitraTabularInline
from mitra.reports.models import (
    ActivityOutput,
    AgreementRelevance,
    CountedForm,
    Indicator,
    PartnerCategory,
    RuleSet,
)


@admin.register(Indicator)
class IndicatorAdmin(MitraHistoryAdmin):
    list_display = ["code", "year", "calculation", "is_active", "ordering"]
    list_filter = ["is_active", "calculation"]
    search_fields = ["code", "statement", "statement_en"]
    filter_horizontal = ["cooperation_types", "partner_kinds"]


class PartnerCategoryInline(MitraTabularInline):
    model = PartnerCategory
    extra = 0
    filter_horizontal = ["default_kinds"]


class CountedFormInline(MitraTabularInline):
    model = CountedForm
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(MitraHistoryAdmin):
    list_display = ["code", "name", "regulation", "year_from", "year_to", "kind"]
    inlines = [PartnerCategoryInline, CountedFormInline]


@admin.register(CountedForm)
class CountedFormAdmin(MitraAdmin):
    list_display = ["name", "rule_set", "ordering"]
    list_filter = ["rule_set"]
    filter_horizontal = ["cooperation_types"]


@admin.register(ActivityOutput)
class ActivityOutputAdmin(MitraHistoryAdmin):
    list_display = ["description", "kind", "activity", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["activity"]
    file_downloads = {"evidence": "reports:output_file"}


@admin.register(AgreementRelevance)
class AgreementRelevanceAdmin(MitraHistoryAdmin):
    list_display = ["agreement", "note", "updated_at"]
    raw_id_fields = ["agreement"]
