from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mitra.reports.models import (
    ActivityOutput,
    AgreementRelevance,
    CountedForm,
    Indicator,
    PartnerCategory,
    RuleSet,
)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "year", "calculation", "is_active", "ordering"]
    list_filter = ["is_active", "calculation"]
    search_fields = ["code", "statement"]
    filter_horizontal = ["cooperation_types", "partner_kinds"]


class PartnerCategoryInline(admin.TabularInline):
    model = PartnerCategory
    extra = 0
    filter_horizontal = ["default_kinds"]


class CountedFormInline(admin.TabularInline):
    model = CountedForm
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "regulation", "year_from", "year_to", "kind"]
    inlines = [PartnerCategoryInline, CountedFormInline]


@admin.register(CountedForm)
class CountedFormAdmin(admin.ModelAdmin):
    list_display = ["name", "rule_set", "ordering"]
    list_filter = ["rule_set"]
    filter_horizontal = ["cooperation_types"]


@admin.register(ActivityOutput)
class ActivityOutputAdmin(SimpleHistoryAdmin):
    list_display = ["description", "kind", "activity", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["activity"]


@admin.register(AgreementRelevance)
class AgreementRelevanceAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "note", "updated_at"]
    raw_id_fields = ["agreement"]
