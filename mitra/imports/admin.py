from django.contrib import admin

from mitra.core.admin import MitraAdmin
from mitra.imports.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(MitraAdmin):
    list_display = ["filename", "status", "created_by", "created_at"]
    readonly_fields = ["result", "mapping"]
