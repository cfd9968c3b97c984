"""Seed the partner kinds of DOMAIN-RULES; administrators may add more."""

from django.db import migrations

KINDS = [
    # code, Indonesian name, English name, industry?, aliases met in registers
    ("university", "Perguruan Tinggi", "University", False,
     ["PT", "Universitas", "Politeknik", "Institut", "Kampus", "University"]),
    ("industry", "Industri (DUDI)", "Industry", True,
     ["Industri", "DUDI", "Perusahaan", "Swasta", "Company", "Industry"]),
    ("government", "Pemerintah", "Government", False,
     ["Pemerintah", "Instansi Pemerintah", "Pemda", "Government", "Kementerian"]),
    ("soe", "BUMN/BUMD", "State or regional enterprise", True,
     ["BUMN", "BUMD", "State-owned enterprise"]),
    ("professional", "Organisasi Profesi", "Professional organisation", False,
     ["Organisasi Profesi", "Asosiasi", "Professional organisation"]),
    ("certification", "Lembaga Sertifikasi (LSP)", "Certification body", False,
     ["Lembaga Sertifikasi", "LSP", "Lembaga Sertifikasi Profesi",
      "Certification body"]),
    ("training", "Lembaga Pelatihan", "Training body", False,
     ["Lembaga Pelatihan", "LPK", "Training body", "Training centre"]),
    ("ngo", "LSM/Yayasan", "NGO/foundation", False,
     ["LSM", "Yayasan", "NGO", "Foundation", "Lembaga Swadaya Masyarakat"]),
    ("school", "Sekolah", "School", False, ["Sekolah", "SMK", "SMA", "School"]),
    ("hospital", "Rumah Sakit", "Hospital", False, ["Rumah Sakit", "RS", "Hospital"]),
    ("research", "Lembaga Riset", "Research institute", False,
     ["Lembaga Penelitian", "Lembaga Riset", "Research institute", "BRIN"]),
    ("multilateral", "Organisasi Multilateral", "Multilateral organisation", False,
     ["Multilateral", "Organisasi Internasional", "Multilateral organisation"]),
    ("other", "Lainnya", "Other", False, ["Lainnya", "Lain-lain", "Other"]),
]


def seed(apps, schema_editor):
    PartnerKind = apps.get_model("partners", "PartnerKind")
    for order, (code, name, name_en, industry, aliases) in enumerate(KINDS):
        PartnerKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "is_industry": industry,
                "aliases": aliases,
                "ordering": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
