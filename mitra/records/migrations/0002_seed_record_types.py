"""Seed the six records the cooperation procedure says to keep.

Storage location, retention and the issued documents registered
automatically are data: the office changes them on the record types page.
"""

from django.db import migrations

STORAGE = "Kantor Humas & Kerjasama (arsip elektronik Mitra)"

TYPES = [
    # code, Indonesian name, English name, form number, issued-document kinds
    ("mapping", "Pemetaan Jenis Kerjasama", "Cooperation type mapping", "",
     ["needs_mapping"]),
    ("satisfaction_survey", "Survei Kepuasan Layanan Kerjasama",
     "Cooperation service satisfaction survey", "", ["survey_result"]),
    ("evaluation_report", "Laporan Evaluasi Tahunan", "Annual evaluation report",
     "FO.28.2.1", ["evaluation_report"]),
    ("minutes", "Notulen Rapat", "Meeting minutes", "BO.29.3.1", ["minutes"]),
    ("programme", "Program Kerjasama", "Cooperation programme", "", ["programme"]),
    ("monitoring_recap", "Rekap Monitoring Kerjasama",
     "Cooperation monitoring recap", "BO.28.1.2", ["monitoring_recap"]),
]


def seed(apps, schema_editor):
    RecordType = apps.get_model("records", "RecordType")
    for order, (code, name, name_en, form_number, kinds) in enumerate(TYPES, 1):
        RecordType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "form_number": form_number,
                "storage_location": STORAGE,
                "document_kinds": kinds,
                "ordering": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
