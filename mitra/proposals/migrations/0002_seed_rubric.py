"""Seed the default rubric proposals are analysed on.

Six criteria, weighted so that relevance, benefit and fit with the year's
needs count most. The head of the cooperation office changes names, weights
and guidance on the rubric page; these rows are only a starting point.
"""

from django.db import migrations

CRITERIA = [
    (
        "Relevansi dengan visi dan misi institusi",
        "Relevance to the institution's vision and mission",
        "1: tidak terkait dengan visi, misi, tujuan dan strategi (VMTS); "
        "5: langsung mendukung sasaran strategis institusi.",
        3,
    ),
    (
        "Manfaat bagi pendidikan, penelitian dan pengabdian kepada masyarakat",
        "Benefit to education, research and community service",
        "1: manfaat tidak jelas; 5: manfaat nyata dan terukur bagi mahasiswa, "
        "dosen atau masyarakat pada satu atau lebih bidang tridharma.",
        3,
    ),
    (
        "Kredibilitas dan rekam jejak mitra",
        "Partner credibility and track record",
        "1: mitra belum dikenal atau bermasalah; 5: mitra bereputasi dengan "
        "rekam jejak kerja sama yang baik.",
        2,
    ),
    (
        "Kelayakan dan ketersediaan sumber daya",
        "Feasibility and resources",
        "1: sumber daya (orang, dana, sarana) tidak tersedia; 5: rencana "
        "kegiatan realistis dan sumber dayanya tersedia.",
        2,
    ),
    (
        "Risiko",
        "Risk",
        "Nilai tinggi berarti risiko rendah. 1: risiko hukum, keuangan atau "
        "reputasi tinggi; 5: risiko kecil dan terkendali.",
        1,
    ),
    (
        "Kesesuaian dengan pemetaan kebutuhan dan target",
        "Fit with the needs mapping and targets",
        "1: tidak menjawab kebutuhan unit maupun target tahun ini; 5: mengisi "
        "kebutuhan yang belum terpenuhi dan target tahun berjalan.",
        3,
    ),
]


def seed(apps, schema_editor):
    RubricCriterion = apps.get_model("proposals", "RubricCriterion")
    if RubricCriterion.objects.exists():
        return
    for order, (name, name_en, description, weight) in enumerate(CRITERIA, 1):
        RubricCriterion.objects.create(
            name=name,
            name_en=name_en,
            description=description,
            weight=weight,
            order=order * 10,
        )


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
