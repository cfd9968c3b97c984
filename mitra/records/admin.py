"""Read-only admin pages of the register and the policy library.

A record cannot be changed or deleted while it is kept, disposal lists and
their log are kept for good, and every change goes through Mitra's own pages
(which call the services), so the admin only shows these rows. Asked to
delete a record, it gives the register's reason (kept until a date, under a
legal hold, or removed only by an approved disposal).
"""

from django.contrib import admin

from mitra.core.admin import ReadOnlyAdmin
from mitra.records.models import (
    DisposalList,
    DisposalLog,
    PolicyDocument,
    Record,
    RecordType,
    deletion_refusal,
)


@admin.register(RecordType)
class RecordTypeAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "form_number", "retention_years", "ordering"]


@admin.register(Record)
class RecordAdmin(ReadOnlyAdmin):
    list_display = ["title", "record_type", "issued_on", "retain_until", "on_hold"]
    list_filter = ["record_type", "on_hold"]
    search_fields = ["title"]
    list_select_related = ["record_type"]
    file_downloads = {"file": "records:file"}

    def delete_refusal(self, request, obj):
        """Give the register's reason: kept until a date, held, or removed
        only by an approved disposal."""
        return " ".join(deletion_refusal(obj).messages)


@admin.register(DisposalList)
class DisposalListAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "as_of", "created_by", "decided_by"]
    list_filter = ["status"]
    file_downloads = {"archive": "records:disposal_archive"}


@admin.register(DisposalLog)
class DisposalLogAdmin(ReadOnlyAdmin):
    list_display = ["title", "record_type", "disposed_at", "disposed_by"]
    list_select_related = ["disposed_by"]


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "version", "kind", "approved_on", "is_published"]
    list_filter = ["kind", "is_published"]
    file_downloads = {"file": "records:policy_file"}
