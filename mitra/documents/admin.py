"""Read-only admin pages: every change goes through Mitra's own pages.

Uploaded templates are checked before they are stored, and an issued
document is frozen for good, so the admin only shows them.
"""

import json

from django.contrib import admin

from mitra.documents.models import FormTemplate, IssuedDocument, Letterhead, PrintedForm


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "version", "issued_at", "issued_by"]
    list_filter = ["kind"]
    search_fields = ["title"]
    list_select_related = ["issued_by"]
    exclude = ["snapshot"]
    readonly_fields = ["snapshot_text"]

    @admin.display(description="snapshot")
    def snapshot_text(self, obj):
        return json.dumps(obj.snapshot, ensure_ascii=False, indent=2)


@admin.register(FormTemplate)
class FormTemplateAdmin(ReadOnlyAdmin):
    list_display = ["form_code", "original_name", "uploaded_at", "uploaded_by"]
    list_filter = ["form_code"]


@admin.register(PrintedForm)
class PrintedFormAdmin(ReadOnlyAdmin):
    list_display = ["code", "form_number", "active_template"]


@admin.register(Letterhead)
class LetterheadAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "updated_at"]
