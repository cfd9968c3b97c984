"""Seed the default instrument of the partner satisfaction survey.

Aspect 1 holds the nine elements of the public-service satisfaction index
(PermenPANRB 14/2017), asked about the cooperation office's service; the
other aspects hold the cooperation items. Items a partner may not have met
(students, lecturers, joint research, curricula) are optional.
"""

from django.db import migrations

NAME = "Survei kepuasan mitra (bawaan)"

SUITABLE = (
    ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
    ["Not suitable", "Hardly suitable", "Suitable", "Very suitable"],
)
EASY = (
    ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
    ["Not easy", "Not very easy", "Easy", "Very easy"],
)
FAST = (
    ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
    ["Slow", "Rather slow", "Fast", "Very fast"],
)
COST = (
    ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
    ["Very expensive", "Rather expensive", "Inexpensive", "Free"],
)
COMPETENT = (
    ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"],
    ["Not competent", "Hardly competent", "Competent", "Very competent"],
)
POLITE = (
    ["Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah",
     "Sangat sopan dan ramah"],
    ["Not courteous", "Hardly courteous", "Courteous", "Very courteous"],
)
COMPLAINTS = (
    ["Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal",
     "Dikelola dengan baik"],
    ["There is none", "There is one, but it does not work",
     "It works, but not fully", "It is well handled"],
)
GOOD = (
    ["Tidak baik", "Kurang baik", "Baik", "Sangat baik"],
    ["Poor", "Fair", "Good", "Very good"],
)
USEFUL = (
    ["Tidak bermanfaat", "Kurang bermanfaat", "Bermanfaat", "Sangat bermanfaat"],
    ["Not useful", "Hardly useful", "Useful", "Very useful"],
)
WILLING = (
    ["Tidak berminat", "Kurang berminat", "Berminat", "Sangat berminat"],
    ["Not interested", "Hardly interested", "Interested", "Very interested"],
)
SATISFIED = (
    ["Tidak puas", "Kurang puas", "Puas", "Sangat puas"],
    ["Dissatisfied", "Hardly satisfied", "Satisfied", "Very satisfied"],
)

# (aspect in Indonesian, in English, [items]); an item is
# (code, element, Indonesian, English, labels or None for open, required).
ASPECTS = [
    (
        "Pelayanan kerja sama (unsur SKM)",
        "Cooperation services (service elements)",
        [
            ("U1", "U1",
             "Kesesuaian persyaratan kerja sama dengan jenis kerja sama yang "
             "dijalankan",
             "How well the requirements for cooperation suit the kind of "
             "cooperation carried out", SUITABLE, True),
            ("U2", "U2",
             "Kemudahan sistem, mekanisme, dan prosedur kerja sama",
             "How easy the systems, mechanisms and procedures of cooperation are",
             EASY, True),
            ("U3", "U3",
             "Kecepatan waktu penyelesaian layanan kerja sama",
             "How fast cooperation services are completed", FAST, True),
            ("U4", "U4",
             "Kewajaran biaya atau tarif layanan kerja sama yang dibebankan "
             "kepada mitra",
             "The cost or fee of cooperation services charged to the partner",
             COST, True),
            ("U5", "U5",
             "Kesesuaian hasil layanan (dokumen, kegiatan) dengan yang "
             "dijanjikan",
             "How well the results of the service (documents, activities) match "
             "what was promised", SUITABLE, True),
            ("U6", "U6",
             "Kompetensi petugas yang melayani kerja sama",
             "The competence of the staff handling the cooperation", COMPETENT,
             True),
            ("U7", "U7",
             "Kesopanan dan keramahan petugas",
             "The courtesy and friendliness of the staff", POLITE, True),
            ("U8", "U8",
             "Penanganan pengaduan, saran, dan masukan dari mitra",
             "How complaints, suggestions and input from partners are handled",
             COMPLAINTS, True),
            ("U9", "U9",
             "Kualitas sarana dan prasarana pendukung kerja sama",
             "The quality of the facilities supporting the cooperation", GOOD,
             True),
        ],
    ),
    (
        "Proses kerja sama",
        "The cooperation process",
        [
            ("K1", "",
             "Kemudahan memulai kerja sama dan menandatangani dokumennya",
             "How easy it is to initiate the cooperation and sign its documents",
             EASY, True),
            ("K2", "",
             "Daya tanggap kantor kerja sama terhadap permintaan mitra",
             "How responsive the cooperation office is to the partner's requests",
             GOOD, True),
            ("K3", "",
             "Kegiatan dilaksanakan tepat waktu dan sesuai kesepakatan",
             "Activities carried out on time and as agreed", GOOD, True),
            ("K4", "",
             "Keterbukaan (transparansi) dalam pelaksanaan kerja sama",
             "Transparency in carrying out the cooperation", GOOD, True),
        ],
    ),
    (
        "Mutu dan manfaat",
        "Quality and benefit",
        [
            ("K5", "",
             "Mutu mahasiswa dan peserta magang yang terlibat",
             "The quality of the students and interns involved", GOOD, False),
            ("K6", "",
             "Mutu dosen yang terlibat",
             "The quality of the lecturers involved", GOOD, False),
            ("K7", "",
             "Manfaat penelitian dan pengabdian kepada masyarakat bersama",
             "The usefulness of joint research and community service", USEFUL,
             False),
            ("K8", "",
             "Kerja sama memberi manfaat bagi kedua pihak",
             "The cooperation benefits both parties", USEFUL, True),
            ("K9", "",
             "Kesempatan mitra memberi masukan bagi kurikulum",
             "The partner's opportunity to give input into curricula", GOOD,
             False),
        ],
    ),
    (
        "Keberlanjutan",
        "Continuation",
        [
            ("K10", "",
             "Minat untuk melanjutkan kerja sama",
             "Intention to continue the cooperation", WILLING, True),
            ("K11", "",
             "Kepuasan secara keseluruhan atas kerja sama",
             "Overall satisfaction with the cooperation", SATISFIED, True),
            ("K12", "",
             "Gagasan untuk kerja sama baru",
             "Ideas for new cooperation", None, False),
        ],
    ),
]


def seed(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Aspect = apps.get_model("surveys", "Aspect")
    Item = apps.get_model("surveys", "Item")
    if Instrument.objects.filter(name=NAME).exists():
        return
    instrument = Instrument.objects.create(
        name=NAME,
        description=(
            "Sembilan unsur Survei Kepuasan Masyarakat (PermenPANRB 14/2017) "
            "dan butir-butir kerja sama. / The nine elements of the public-"
            "service satisfaction index and the cooperation items."
        ),
    )
    for aspect_order, (name_id, name_en, items) in enumerate(ASPECTS, start=1):
        aspect = Aspect.objects.create(
            instrument=instrument, name_id=name_id, name_en=name_en,
            order=aspect_order * 10,
        )
        for item_order, (code, element, text_id, text_en, labels, required) in (
            enumerate(items, start=1)
        ):
            Item.objects.create(
                instrument=instrument,
                aspect=aspect,
                code=code,
                text_id=text_id,
                text_en=text_en,
                kind="scale" if labels else "open",
                service_element=element,
                labels_id=list(labels[0]) if labels else [],
                labels_en=list(labels[1]) if labels else [],
                order=item_order * 10,
                required=required,
            )


def unseed(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Instrument.objects.filter(name=NAME, rounds__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
