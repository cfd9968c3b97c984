from django.contrib import admin

from mitra.core.admin import MitraAdmin, MitraHistoryAdmin, MitraTabularInline
from mitra.partners.models import (
    Contact,
    Partner,
    PartnerAlias,
    PartnerKind,
    PartnerMerge,
)


@admin.register(PartnerKind)
class PartnerKindAdmin(MitraAdmin):
    list_display = ["code", "name", "name_en", "is_industry", "ordering"]


class AliasInline(MitraTabularInline):
    model = PartnerAlias
    extra = 0


class ContactInline(MitraTabularInline):
    model = Contact
    extra = 0


@admin.register(Partner)
class PartnerAdmin(MitraHistoryAdmin):
    list_display = ["code", "name", "kind", "scope", "country"]
    list_filter = ["kind", "scope"]
    search_fields = ["name", "code", "aliases__name"]
    inlines = [AliasInline, ContactInline]


@admin.register(PartnerMerge)
class PartnerMergeAdmin(MitraAdmin):
    list_display = ["absorbed_name", "kept", "merged_by", "merged_at"]
    readonly_fields = ["kept", "absorbed_name", "absorbed_code", "moved", "merged_by"]
