"""Seed the catalogue of cooperation types (forms of activity).

The list follows the forms met in Indonesian systems (DOMAIN-RULES): the
Kampus Merdeka forms and the usual tridharma cooperation. Fields served:
E education, R research, C community service.
"""

from django.db import migrations

TYPES = [
    ("magang", "Magang/praktik kerja", "Internship", "E"),
    ("asistensi-mengajar", "Asistensi mengajar di satuan pendidikan",
     "Teaching assistance in schools", "EC"),
    ("riset-mahasiswa", "Penelitian/riset mahasiswa", "Student research", "ER"),
    ("proyek-kemanusiaan", "Proyek kemanusiaan", "Humanitarian project", "C"),
    ("kewirausahaan", "Kegiatan wirausaha", "Entrepreneurship", "EC"),
    ("studi-independen", "Studi/proyek independen", "Independent study", "E"),
    ("membangun-desa", "Membangun desa/KKN tematik", "Village project", "C"),
    ("pertukaran-mahasiswa", "Pertukaran pelajar", "Student exchange", "E"),
    ("joint-degree", "Gelar bersama (joint degree)", "Joint degree", "E"),
    ("double-degree", "Gelar ganda (double degree)", "Double degree", "E"),
    ("pertukaran-dosen", "Pertukaran dosen", "Lecturer exchange", "ER"),
    ("transfer-kredit", "Transfer kredit", "Credit transfer", "E"),
    ("profesor-tamu", "Profesor/dosen tamu", "Visiting professor", "E"),
    ("penelitian-bersama", "Penelitian bersama", "Joint research", "R"),
    ("pengabdian", "Pengabdian kepada masyarakat", "Community service", "C"),
    ("kurikulum", "Pengembangan kurikulum bersama", "Curriculum development", "E"),
    ("penempatan-lulusan", "Penempatan/rekrutmen lulusan", "Graduate placement", "E"),
    ("praktisi-mengajar", "Praktisi mengajar", "Practitioners teaching", "E"),
    ("pelatihan-dosen", "Pelatihan dosen/instruktur",
     "Lecturer/instructor training", "E"),
    ("seminar", "Seminar/konferensi", "Seminars and conferences", "ER"),
    ("publikasi", "Publikasi bersama", "Joint publication", "R"),
    ("pengembangan-produk", "Pengembangan produk/sistem",
     "Product or system development", "RC"),
    ("sertifikasi", "Sertifikasi kompetensi", "Competency certification", "E"),
    ("teaching-factory", "Teaching factory", "Teaching factory", "E"),
    ("fasilitas", "Penggunaan sarana dan prasarana bersama", "Shared facilities",
     "ERC"),
]


def seed(apps, schema_editor):
    CooperationType = apps.get_model("planning", "CooperationType")
    for order, (code, name, name_en, fields) in enumerate(TYPES):
        CooperationType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "education": "E" in fields,
                "research": "R" in fields,
                "community_service": "C" in fields,
                "ordering": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
