"""A small institution for the indicator, accreditation-table and ministry
tests, with every figure computable by hand.

Programmes (under the conftest tree): JA1 (D4) and JA2 (S1) under jurusan
JA; JB1 (D3), JB2 (S2) and JB3 (D2) under JB; JC1 (D3) under JC, with no
agreement at all. The year of interest is 2024.

Agreements (E education, R research, C community service; partner kinds in
brackets; PT Industri Maju is "multinational" under the 2021 and 2023 rule
sets by its own category):

| ag  | type | partner (kind)             | units    | signed, end           | F  |
|-----|------|----------------------------|----------|-----------------------|----|
| A1  | MoA  | Bank Pembangunan Asia (ml) | JA1      | 2024-02-01 2026-12-31 | E  |
| A2  | IA   | Dinas Pendidikan Kota (gv) | JA1, JB1 | 2023-05-01 2025-04-30 | ER |
| A3  | MoU  | PT Industri Maju (ind)     | JA2      | 2024-03-01 2029-02-28 | R  |
| A4  | MoA  | PT Persero Energi (soe)    | JB3      | 2024-06-01 2027-05-31 | R  |
| A5  | MoA  | Yayasan Peduli (ngo)       | JB1      | 2024-01-10 2025-12-31 | E  |
| A6  | MoA  | PT Industri Maju (ind)     | JB2      | 2023-01-01 2026-12-31 | R  |
| A7  | MoA  | Bank Pembangunan Asia (ml) | JA2      | draft                 | E  |
| A8  | MoA  | PT Industri Maju (ind)     | JA1      | 2022-01-01 2023-12-31 | C  |
| A9  | MoA  | PT Industri Maju (ind)     | —        | 2024-01-01 open-ended | R  |
| A10 | MoA  | PT Industri Maju (ind)     | JA1      | 2022-01-01 2026-12-31 | —  |
| A11 | MoU  | Universitas Mitra Jaya (u) | JA       | 2021-01-01 open-ended | E  |

A1 has the cooperation type magang; A5 the scope national (its partner is
local). Scopes: the multilateral bank and the university international, the
government office and the foundation local, the companies national.

Activities in 2024: under A1 "Magang industri" (unit JA1, form magang,
benefit given) and "Kelas transfer kredit" (unit JA1, form transfer-kredit,
no participants); under A2 "Seminar bersama" (unit JB1, form seminar); under
A3 "Riset bersama" (form penelitian-bersama); under A4 "Purwarupa alat"
(output: prototype); under A5 "Magang lintas prodi" (form magang,
participants of JA1: 5 students, 3 credited, 2 certificates); under A6
"Tulisan bersama" (output: publication); under A9 "Kunjungan" (no output).
"""

import datetime

from mitra.agreements.models import (
    Activity,
    DocumentType,
    Evidence,
    Participation,
    Status,
)
from mitra.core.fields import Scope
from mitra.core.models import UnitKind
from mitra.partners.models import PartnerKind, PartnerRuleCategory
from mitra.planning.models import CooperationType
from mitra.reports.models import ActivityOutput, PartnerCategory, RuleSet
from tests.agreements.uploads import pdf_upload
from tests.factories import AgreementFactory, PartnerFactory, UnitFactory

YEAR = 2024


def day(text):
    return datetime.date.fromisoformat(text)


def build_world(units):
    """Create the institution above; return its records by name."""
    ja, jb, root = units["ja"], units["jb"], units["root"]
    ja1, jb1 = units["ja1"], units["jb1"]
    ja2 = UnitFactory(
        code="JA2", name="Prodi A2", kind=UnitKind.PRODI, parent=ja, level="S1"
    )
    jb2 = UnitFactory(
        code="JB2", name="Prodi B2", kind=UnitKind.PRODI, parent=jb, level="S2"
    )
    jb3 = UnitFactory(
        code="JB3", name="Prodi B3", kind=UnitKind.PRODI, parent=jb, level="D2"
    )
    jc = UnitFactory(code="JC", name="Jurusan C", kind=UnitKind.JURUSAN, parent=root)
    jc1 = UnitFactory(
        code="JC1", name="Prodi C1", kind=UnitKind.PRODI, parent=jc, level="D3"
    )

    kinds = {kind.code: kind for kind in PartnerKind.objects.all()}
    multi = PartnerFactory(
        name="Bank Pembangunan Asia",
        kind=kinds["multilateral"],
        scope=Scope.INTERNATIONAL,
    )
    gov = PartnerFactory(
        name="Dinas Pendidikan Kota", kind=kinds["government"], scope=Scope.LOCAL
    )
    industry = PartnerFactory(name="PT Industri Maju", kind=kinds["industry"])
    soe = PartnerFactory(name="PT Persero Energi", kind=kinds["soe"])
    ngo = PartnerFactory(name="Yayasan Peduli", kind=kinds["ngo"], scope=Scope.LOCAL)
    university = PartnerFactory(
        name="Universitas Mitra Jaya",
        kind=kinds["university"],
        scope=Scope.INTERNATIONAL,
    )
    for code, category in (
        ("iku6-2021", "multinational"),
        ("iku31-2023", "multinational"),
    ):
        rule_set = RuleSet.objects.get(code=code)
        PartnerRuleCategory.objects.create(
            partner=industry,
            rule_set=rule_set,
            category=PartnerCategory.objects.get(rule_set=rule_set, code=category),
        )

    types = {each.code: each for each in CooperationType.objects.all()}

    def agreement(document_type, partner, unit_list, signed, end, fields, **extra):
        made = AgreementFactory(
            document_type=document_type,
            partner=partner,
            units=unit_list,
            signed_on=day(signed) if signed else None,
            start_date=day(signed) if signed else None,
            end_date=day(end) if end else None,
            education="E" in fields,
            research="R" in fields,
            community_service="C" in fields,
            signed_file=pdf_upload(f"signed-{partner.pk}.pdf"),
            **extra,
        )
        return made

    a = {
        "A1": agreement(
            DocumentType.MOA, multi, [ja1], "2024-02-01", "2026-12-31", "E"
        ),
        "A2": agreement(
            DocumentType.IA, gov, [ja1, jb1], "2023-05-01", "2025-04-30", "ER"
        ),
        "A3": agreement(
            DocumentType.MOU, industry, [ja2], "2024-03-01", "2029-02-28", "R"
        ),
        "A4": agreement(DocumentType.MOA, soe, [jb3], "2024-06-01", "2027-05-31", "R"),
        "A5": agreement(
            DocumentType.MOA,
            ngo,
            [jb1],
            "2024-01-10",
            "2025-12-31",
            "E",
            scope=Scope.NATIONAL,
        ),
        "A6": agreement(
            DocumentType.MOA, industry, [jb2], "2023-01-01", "2026-12-31", "R"
        ),
        "A7": agreement(
            DocumentType.MOA,
            multi,
            [ja2],
            None,
            None,
            "E",
            status=Status.DRAFT,
            number=None,
        ),
        "A8": agreement(
            DocumentType.MOA, industry, [ja1], "2022-01-01", "2023-12-31", "C"
        ),
        "A9": agreement(DocumentType.MOA, industry, [], "2024-01-01", None, "R"),
        "A10": agreement(
            DocumentType.MOA, industry, [ja1], "2022-01-01", "2026-12-31", ""
        ),
        "A11": agreement(DocumentType.MOU, university, [ja], "2021-01-01", None, "E"),
    }
    a["A1"].cooperation_types.set([types["magang"]])

    def activity(agreement_key, title, start, **values):
        return Activity.objects.create(
            agreement=a[agreement_key], title=title, start_date=day(start), **values
        )

    acts = {
        "internship": activity(
            "A1",
            "Magang industri",
            "2024-03-01",
            unit=ja1,
            form=types["magang"],
            benefit="Mahasiswa mengenal dunia kerja",
        ),
        "credit_class": activity(
            "A1",
            "Kelas transfer kredit",
            "2024-04-01",
            unit=ja1,
            form=types["transfer-kredit"],
        ),
        "seminar": activity(
            "A2", "Seminar bersama", "2024-05-01", unit=jb1, form=types["seminar"]
        ),
        "research": activity(
            "A3", "Riset bersama", "2024-05-01", form=types["penelitian-bersama"]
        ),
        "prototype": activity("A4", "Purwarupa alat", "2024-07-01", unit=jb3),
        "cross": activity(
            "A5",
            "Magang lintas prodi",
            "2024-02-01",
            form=types["magang"],
            benefit="Pengakuan SKS magang",
        ),
        "paper": activity("A6", "Tulisan bersama", "2024-08-01", unit=jb2),
        "visit": activity("A9", "Kunjungan", "2024-09-01"),
    }
    Participation.objects.create(
        activity=acts["cross"],
        unit=ja1,
        students=5,
        students_credited=3,
        certificates=2,
    )
    ActivityOutput.objects.create(
        activity=acts["prototype"], kind="prototype", description="Alat ukur"
    )
    ActivityOutput.objects.create(
        activity=acts["paper"], kind="publication", description="Artikel jurnal"
    )
    evidence = {
        "report": Evidence.objects.create(
            activity=acts["cross"],
            description="Laporan magang",
            file=pdf_upload("lap.pdf"),
        ),
        "photo": Evidence.objects.create(
            activity=acts["credit_class"],
            description="Daftar hadir",
            file=pdf_upload("hadir.pdf"),
        ),
    }
    return {
        "agreements": a,
        "activities": acts,
        "evidence": evidence,
        "units": {
            **units,
            "ja2": ja2,
            "jb2": jb2,
            "jb3": jb3,
            "jc": jc,
            "jc1": jc1,
        },
        "partners": {
            "multi": multi,
            "gov": gov,
            "industry": industry,
            "soe": soe,
            "ngo": ngo,
            "university": university,
        },
    }
