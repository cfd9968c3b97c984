"""Seed the quality indicators the cooperation procedure serves and the
ministry's three rule sets of its cooperation indicator (2021, 2023, 2025).

Everything here is data: the office edits the wording, the forms that count,
the categories and their weights in the admin, and a new regulation is a new
rule set. Partner kinds listed with a category put partners of that kind in
it unless their own category under the rule set says otherwise.
"""

from decimal import Decimal

from django.db import migrations

INDICATORS = [
    # code, calculation, statement, measure, cooperation types, partner kinds
    (
        "B.1.2.5.8",
        "credit_recognition",
        "Through the cooperation team and the departments, learning that "
        "students do outside their study programme runs under a cooperation "
        "agreement between the institution and another university or body, "
        "and its results are recognised by credit (SKS) transfer or another "
        "form of credit recognition.",
        "Per study programme and year: the agreements and activities under "
        "which students learned outside their programme, and the number of "
        "students whose credits were recognised (activities with students "
        "credited, or of a credit-transfer form).",
        ["transfer-kredit", "pertukaran-mahasiswa", "joint-degree", "double-degree"],
        [],
    ),
    (
        "B.1.2.6.16.c",
        "competency_certificates",
        "Graduates are entitled to a competency certificate, issued by the "
        "institution together with a professional organisation, training body "
        "or accredited certification body.",
        "Per study programme and year: the certificates issued under "
        "agreements with professional organisations, training bodies or "
        "certification bodies, with the activities and agreements behind them.",
        ["sertifikasi"],
        ["professional", "certification", "training"],
    ),
    (
        "B.1.2.9.1",
        "policy_coverage",
        "The cooperation team has formal policy and procedure documents — "
        "comprehensive, detailed, current and easily accessible to "
        "stakeholders — on developing networks and partnerships (domestic and "
        "international), covering at least initiation, execution, monitoring, "
        "evaluation of cooperation and evaluation of partner satisfaction.",
        "Which of initiation, execution, monitoring, evaluation and partner "
        "satisfaction evaluation are covered by a current policy, procedure or "
        "form document of the records library.",
        [],
        [],
    ),
    (
        "B.1.2.9.2",
        "planning_documents",
        "The cooperation team has a valid, directed planning document for "
        "developing networks and partnerships, in service of the "
        "institution's vision, mission and strategic goals.",
        "For the year: the approved annual cooperation programme, the annual "
        "targets, and an approved multi-year plan covering the year.",
        [],
        [],
    ),
    (
        "B.1.2.9.3",
        "network",
        "The cooperation team has a network of partners relevant to the "
        "institution's vision, mission, goals and strategy and useful to its "
        "tridharma (education, research, community service), covering "
        "local/regional, national and international cooperation.",
        "Partners and agreements in force during the year by scope and "
        "tridharma field, each agreement with its relevance to the "
        "institution's vision noted.",
        [],
        [],
    ),
]

RULE_SETS = [
    {
        "code": "iku6-2021",
        "regulation": "Kepmendikbud No. 3/M/2021",
        "name": "IKU 6 — program studi bekerja sama dengan mitra",
        "description": (
            "The percentage of study programmes (S1, D4, D3) with at least one "
            "cooperation in force during the year with a partner in one of the "
            "13 categories, in one of the 10 forms."
        ),
        "year_from": 2021,
        "year_to": 2022,
        "kind": "percentage",
        "levels": ["S1", "D4", "D3"],
        "document_types": [],
        "counting_window": "in_force",
        "categories": [
            ("multinational", "Perusahaan multinasional", 1, []),
            ("national-company", "Perusahaan nasional berstandar tinggi", 1, []),
            ("global-tech", "Perusahaan teknologi global", 1, []),
            ("tech-startup", "Perusahaan rintisan (start-up) teknologi", 1, []),
            ("world-nonprofit", "Organisasi nirlaba kelas dunia", 1, []),
            ("multilateral", "Institusi/organisasi multilateral", 1, ["multilateral"]),
            ("qs100-university", "Perguruan tinggi QS100 berdasarkan bidang ilmu", 1, []),
            (
                "relevant-university",
                "Perguruan tinggi, fakultas atau program studi bidang relevan",
                1,
                ["university"],
            ),
            ("government-soe", "Instansi pemerintah, BUMN, BUMD", 1,
             ["government", "soe"]),
            ("hospital", "Rumah sakit", 1, ["hospital"]),
            ("sme", "UMKM", 1, []),
            ("research-institute", "Lembaga riset", 1, ["research"]),
            ("cultural", "Lembaga kebudayaan", 1, []),
        ],
        "forms": [
            ("curriculum", "Pengembangan kurikulum bersama", ["kurikulum"]),
            ("project-learning", "Pembelajaran berbasis proyek",
             ["studi-independen"]),
            ("internship", "Magang minimal satu semester", ["magang"]),
            ("graduate-employment", "Penyerapan lulusan", ["penempatan-lulusan"]),
            ("practitioner-lecturer", "Dosen praktisi/tamu",
             ["praktisi-mengajar", "profesor-tamu"]),
            ("lecturer-upskilling", "Peningkatan kompetensi dosen",
             ["pelatihan-dosen"]),
            ("shared-facilities", "Penggunaan bersama sarana dan prasarana",
             ["fasilitas"]),
            ("teaching-factory", "Teaching factory/teaching industry",
             ["teaching-factory"]),
            ("degree", "Gelar ganda atau gelar bersama",
             ["double-degree", "joint-degree"]),
            ("joint-research", "Penelitian bersama", ["penelitian-bersama"]),
        ],
    },
    {
        "code": "iku31-2023",
        "regulation": "Kepmendikbudristek No. 210/M/2023; Kepdirjen 173/E/KPT/2023",
        "name": "IKU 3.1 — jumlah kerja sama per program studi",
        "description": (
            "Each programme-level MoA/PKS or IA of a study programme (S1, D4, "
            "D3, D2, D1) counts with its partner category's weight; the weights "
            "are summed over the programmes and divided by the number of "
            "programmes. An MoU never counts."
        ),
        "year_from": 2023,
        "year_to": 2025,
        "kind": "weighted",
        "levels": ["S1", "D4", "D3", "D2", "D1"],
        "document_types": ["moa", "ia"],
        "counting_window": "",
        "categories": [
            ("global-tech", "Perusahaan teknologi global", "1.00", []),
            ("multilateral", "Organisasi multilateral", "1.00", ["multilateral"]),
            ("qs200-foreign", "Perguruan tinggi luar negeri QS200 bidang ilmu",
             "1.00", []),
            ("multinational", "Perusahaan multinasional", "0.75", []),
            ("world-nonprofit", "Organisasi nirlaba kelas dunia", "0.75", []),
            ("national-company-soe",
             "Perusahaan nasional berstandar tinggi, BUMN atau BUMD", "0.50",
             ["soe"]),
            ("tech-startup", "Perusahaan rintisan (start-up) teknologi", "0.50", []),
            ("qs200-domestic", "Perguruan tinggi dalam negeri QS200 bidang ilmu",
             "0.50", []),
            ("government", "Instansi pemerintah", "0.30", ["government"]),
            ("hospital", "Rumah sakit", "0.30", ["hospital"]),
            ("research-institute", "Lembaga riset", "0.30", ["research"]),
            ("cultural", "Lembaga kebudayaan nasional/bereputasi", "0.30", []),
        ],
        "forms": [],
    },
    {
        "code": "iku5-2025",
        "regulation": "Kepmendiktisaintek No. 358/M/KEP/2025",
        "name": "IKU 5 — luaran kerja sama dan hilirisasi dengan industri",
        "description": (
            "The percentage of cooperations with industry that have a recorded "
            "output (product, prototype, patent, publication, curriculum, "
            "downstreaming): by default cooperations with industry with an "
            "output ÷ all cooperations with industry × 100."
        ),
        "year_from": 2026,
        "year_to": None,
        "kind": "output",
        "levels": [],
        "document_types": ["moa", "ia", "other"],
        "counting_window": "in_force",
        "categories": [],
        "forms": [],
    },
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    RuleSet = apps.get_model("reports", "RuleSet")
    PartnerCategory = apps.get_model("reports", "PartnerCategory")
    CountedForm = apps.get_model("reports", "CountedForm")
    CooperationType = apps.get_model("planning", "CooperationType")
    PartnerKind = apps.get_model("partners", "PartnerKind")

    for order, (code, calculation, statement, measure, types, kinds) in enumerate(
        INDICATORS
    ):
        indicator, _created = Indicator.objects.update_or_create(
            code=code,
            year=2020,
            defaults={
                "calculation": calculation,
                "statement": statement,
                "measure": measure,
                "ordering": order,
            },
        )
        indicator.cooperation_types.set(CooperationType.objects.filter(code__in=types))
        indicator.partner_kinds.set(PartnerKind.objects.filter(code__in=kinds))

    for data in RULE_SETS:
        data = dict(data)
        categories, forms = data.pop("categories"), data.pop("forms")
        rule_set, _created = RuleSet.objects.update_or_create(
            code=data.pop("code"), defaults=data
        )
        for order, (code, name, weight, kinds) in enumerate(categories):
            category, _created = PartnerCategory.objects.update_or_create(
                rule_set=rule_set,
                code=code,
                defaults={"name": name, "weight": Decimal(str(weight)), "ordering": order},
            )
            category.default_kinds.set(PartnerKind.objects.filter(code__in=kinds))
        for order, (code, name, types) in enumerate(forms):
            form, _created = CountedForm.objects.update_or_create(
                rule_set=rule_set, code=code, defaults={"name": name, "ordering": order}
            )
            form.cooperation_types.set(CooperationType.objects.filter(code__in=types))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("partners", "0002_seed_partner_kinds"),
        ("planning", "0002_seed_cooperation_types"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
