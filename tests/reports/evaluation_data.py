"""A fixture year for the annual evaluation report: 2024, counted by hand.

Agreements (the tree of the `units` fixture: JA>JA1, JB>JB1, OFF); dates
are signed, start..end; "edu", "res", "svc" are the tridharma fields:

| | type | status | dates | units | fields | in 2024 |
|---|---|---|---|---|---|---|
| A1 | MoU | signed | 2024-03-01, ..2029-02-28 | - | edu res | new active |
| A2 | MoA | signed | 2024-05-10, 2024-06-01.. | JA1 | edu | new active |
| A3 | MoA | signed | 2022-01-01..2024-08-31 | JA | res | active expired |
| A4 | MoA | signed | 2024-08-15, 2024-09-01.. | JA | res | new renewed active |
| A5 | IA | terminated | 2023-01-01..2025-12-31 | JB1 | svc | active terminated |
| A6 | MoU | signed | 2020-01-01..2023-12-31 | JB | edu | - |
| A7 | MoA | draft | 2024-02-01.. | JA | edu | - |
| A8 | MoA | signed | 2025-01-20, 2025-03-01.. | JA | edu | - |
| A9 | IA | in renewal | 2021-07-01..2024-06-30 | JB, OFF | edu | active expired |
| A10 | MoA | signed | 2019-05-01..open | OFF | none | active, dormant |

A4 renews A3; A5 was terminated on 1 October 2024.

Scopes: A1 international; A5 local (partner); A10 local (its own); the
others national.

Activities in 2024: act1 (A2, JA1, July to December 2024: 10 students, 8
credited, 2 lecturers; output: a prototype), act2 (A4, no unit, 1 October
2024: 5 students, 5 certificates, 1 lecturer; its output text "Modul
pelatihan"), act3 (A5, JB1, November 2023 to February 2024: 3 students, 3
credited). Outside the year: act4 (A1, 2023) and act5 (A9, 2025).

Targets 2024: JA 2 agreements (achieved 2: A2, A4); the institution 5
activities (achieved 2 started in 2024: act1, act2). Monitoring round of
2024 (reference 30 June 2024): entries A3 (submitted, ongoing), A9
(submitted, done, with an obstacle), A10 (not submitted).
"""

import datetime

from django.utils import timezone

from mitra.agreements.models import DocumentType, Participation, Status
from mitra.core.fields import Scope
from mitra.planning.models import AnnualTarget, CooperationType
from tests.factories import ActivityFactory, AgreementFactory, PartnerFactory

YEAR = 2024
D = datetime.date

NO_FIELDS = {"education": False, "research": False, "community_service": False}


def _agreement(number, **values):
    fields = {**NO_FIELDS, **values.pop("fields", {})}
    return AgreementFactory(number=number, **fields, **values)


def build_year(units):
    """Create the fixture year's records; return them by name."""
    national = PartnerFactory(name="PT Nasional Uji", scope=Scope.NATIONAL)
    international = PartnerFactory(
        name="University of Testing", scope=Scope.INTERNATIONAL, country="Japan"
    )
    local = PartnerFactory(name="CV Lokal Uji", scope=Scope.LOCAL)

    a = {}
    a["A1"] = _agreement(
        "A1/2024",
        document_type=DocumentType.MOU,
        partner=international,
        signed_on=D(2024, 3, 1),
        start_date=D(2024, 3, 1),
        end_date=D(2029, 2, 28),
        fields={"education": True, "research": True},
    )
    a["A2"] = _agreement(
        "A2/2024",
        partner=national,
        signed_on=D(2024, 5, 10),
        start_date=D(2024, 6, 1),
        end_date=D(2026, 5, 31),
        units=[units["ja1"]],
        fields={"education": True},
    )
    a["A3"] = _agreement(
        "A3/2021",
        partner=national,
        signed_on=D(2021, 12, 20),
        start_date=D(2022, 1, 1),
        end_date=D(2024, 8, 31),
        units=[units["ja"]],
        fields={"research": True},
    )
    a["A4"] = _agreement(
        "A4/2024",
        partner=national,
        renews=a["A3"],
        signed_on=D(2024, 8, 15),
        start_date=D(2024, 9, 1),
        end_date=D(2027, 8, 31),
        units=[units["ja"]],
        fields={"research": True},
    )
    a["A5"] = _agreement(
        "A5/2023",
        document_type=DocumentType.IA,
        partner=local,
        status=Status.TERMINATED,
        terminated_on=D(2024, 10, 1),
        start_date=D(2023, 1, 1),
        end_date=D(2025, 12, 31),
        units=[units["jb1"]],
        fields={"community_service": True},
    )
    a["A6"] = _agreement(
        "A6/2020",
        document_type=DocumentType.MOU,
        partner=national,
        start_date=D(2020, 1, 1),
        end_date=D(2023, 12, 31),
        units=[units["jb"]],
        fields={"education": True},
    )
    a["A7"] = _agreement(
        None,
        partner=national,
        status=Status.DRAFT,
        start_date=D(2024, 2, 1),
        end_date=None,
        units=[units["ja"]],
        fields={"education": True},
    )
    a["A8"] = _agreement(
        "A8/2025",
        partner=national,
        signed_on=D(2025, 1, 20),
        start_date=D(2025, 3, 1),
        end_date=D(2028, 2, 28),
        units=[units["ja"]],
        fields={"education": True},
    )
    a["A9"] = _agreement(
        "A9/2021",
        document_type=DocumentType.IA,
        partner=national,
        status=Status.IN_RENEWAL,
        start_date=D(2021, 7, 1),
        end_date=D(2024, 6, 30),
        units=[units["jb"], units["office"]],
        fields={"education": True},
    )
    a["A10"] = _agreement(
        "A10/2019",
        partner=national,
        scope=Scope.LOCAL,
        start_date=D(2019, 5, 1),
        end_date=None,
        units=[units["office"]],
    )

    internship = CooperationType.objects.create(code="eval-magang", name="Magang Uji")
    act = {}
    act["act1"] = ActivityFactory(
        agreement=a["A2"],
        title="Magang industri",
        unit=units["ja1"],
        form=internship,
        start_date=D(2024, 7, 1),
        end_date=D(2024, 12, 15),
    )
    Participation.objects.create(
        activity=act["act1"],
        unit=units["ja1"],
        students=10,
        students_credited=8,
        lecturers=2,
    )
    act["act2"] = ActivityFactory(
        agreement=a["A4"],
        title="Pelatihan sertifikasi",
        start_date=D(2024, 10, 1),
        output="Modul pelatihan",
    )
    Participation.objects.create(
        activity=act["act2"], unit=units["ja1"], students=5, certificates=5, lecturers=1
    )
    act["act3"] = ActivityFactory(
        agreement=a["A5"],
        title="Pengabdian desa",
        unit=units["jb1"],
        start_date=D(2023, 11, 1),
        end_date=D(2024, 2, 28),
    )
    Participation.objects.create(
        activity=act["act3"], unit=units["jb1"], students=3, students_credited=3
    )
    act["act4"] = ActivityFactory(
        agreement=a["A1"],
        title="Kunjungan 2023",
        start_date=D(2023, 5, 1),
        end_date=D(2023, 6, 1),
    )
    act["act5"] = ActivityFactory(
        agreement=a["A9"], title="Kegiatan 2025", start_date=D(2025, 1, 10)
    )

    from mitra.reports.models import ActivityOutput

    ActivityOutput.objects.create(
        activity=act["act1"], kind="prototype", description="Prototipe alat uji"
    )

    AnnualTarget.objects.create(year=YEAR, unit=units["ja"], count=2)
    AnnualTarget.objects.create(year=YEAR, measure="activities", count=5)

    from mitra.monitoring.models import MonitoringEntry, MonitoringRound

    monitoring_round = MonitoringRound.objects.create(
        title="Monitoring 2024",
        period_kind="year",
        year=YEAR,
        reference_date=D(2024, 6, 30),
        due_date=D(2024, 7, 31),
        status="closed",
    )
    submitted = timezone.make_aware(datetime.datetime(2024, 7, 20, 9))
    MonitoringEntry.objects.create(
        round=monitoring_round,
        agreement=a["A3"],
        implementation_status="ongoing",
        submitted_at=submitted,
    )
    MonitoringEntry.objects.create(
        round=monitoring_round,
        agreement=a["A9"],
        implementation_status="done",
        obstacles="Jadwal mitra sering berubah",
        submitted_at=submitted,
    )
    MonitoringEntry.objects.create(round=monitoring_round, agreement=a["A10"])
    return {"agreements": a, "activities": act, "round": monitoring_round}


class FakeSurveyRound:
    """What the report reads of a survey round: its name and closing time."""

    closed_at = timezone.make_aware(datetime.datetime(2024, 11, 30, 10))

    def __str__(self):
        return "Survei Kepuasan Mitra 2024"


def survey_summary_2024(year):
    """A stand-in for the surveys' summary: 2024 only."""
    from decimal import Decimal

    if year != YEAR:
        return None
    return {
        "round": FakeSurveyRound(),
        "service_index": Decimal("82.5"),
        "grade": "B",
        "cooperation_index": Decimal("79.25"),
        "weakest_items": [("Waktu penyelesaian", Decimal("2.857"))],
    }
