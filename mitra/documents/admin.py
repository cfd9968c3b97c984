"""Read-only admin pages: every change goes through Mitra's own pages.

Uploaded templates are checked before they are stored, and an issued
document is frozen for good, so the admin only shows them. Their files open
through Mitra's download views.
"""

import json

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.core.admin import ReadOnlyAdmin
from mitra.documents.models import FormTemplate, IssuedDocument, Letterhead, PrintedForm
from mitra.documents.registry import get_form


def _issued_file(fmt):
    def url(document):
        return reverse("documents:issued_file", args=[document.pk]) + f"?format={fmt}"

    return url


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "printed_form", "version", "issued_at", "issued_by"]
    list_filter = ["kind"]
    search_fields = ["title"]
    list_select_related = ["issued_by"]
    exclude = ["snapshot"]
    readonly_fields = ["printed_form", "snapshot_text"]
    file_downloads = {
        "docx_file": _issued_file("docx"),
        "pdf_file": _issued_file("pdf"),
    }

    @admin.display(description=_("printed form"), ordering="kind")
    def printed_form(self, obj):
        """The form's name as people call it, not its code."""
        try:
            return get_form(obj.kind).title
        except LookupError:
            return obj.kind

    @admin.display(description=_("snapshot"))
    def snapshot_text(self, obj):
        return json.dumps(obj.snapshot, ensure_ascii=False, indent=2)


@admin.register(FormTemplate)
class FormTemplateAdmin(ReadOnlyAdmin):
    list_display = ["form_code", "original_name", "uploaded_at", "uploaded_by"]
    list_filter = ["form_code"]
    file_downloads = {"file": "documents:form_template_file"}


@admin.register(PrintedForm)
class PrintedFormAdmin(ReadOnlyAdmin):
    list_display = ["code", "form_number", "active_template"]


@admin.register(Letterhead)
class LetterheadAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "updated_at"]
    file_downloads = {"logo": lambda letterhead: reverse("documents:letterhead_logo")}
