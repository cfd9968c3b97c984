from django.contrib import admin

from mitra.imports.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "status", "created_by", "created_at"]
    readonly_fields = ["result", "mapping"]
