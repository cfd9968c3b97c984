"""The quality indicators: each calculation's figures, status and evidence."""

import datetime

import pytest
from django.utils import translation
from django.utils.functional import Promise

from mitra.agreements.models import Activity, Participation
from mitra.core.clock import frozen
from mitra.core.fields import Scope
from mitra.partners.models import PartnerKind
from mitra.planning.models import CooperationType
from mitra.reports.indicators import (
    Status,
    compute,
    indicators_for_year,
    safe_part,
    unique_paths,
)
from mitra.reports.models import AgreementRelevance, Calculation, Indicator
from tests.agreements.uploads import pdf_upload
from tests.factories import AgreementFactory, PartnerFactory
from tests.reports.indicators_data import YEAR, build_world

TODAY = datetime.date(2025, 3, 1)


def result_for(code, user, year=YEAR):
    """Compute an indicator in English, so labels can be compared."""
    indicator = next(each for each in indicators_for_year(year) if each.code == code)
    with frozen(TODAY), translation.override("en"):
        result = compute(indicator, year, user)
        for table in result.tables:
            table.rows = [
                [str(value) if isinstance(value, Promise) else value for value in row]
                for row in table.rows
            ]
        return result


@pytest.fixture
def world(units):
    return build_world(units)


def test_it_seeds_the_five_indicators_of_the_procedure(db):
    codes = [indicator.code for indicator in indicators_for_year(YEAR)]

    assert codes == [
        "B.1.2.5.8",
        "B.1.2.6.16.c",
        "B.1.2.9.1",
        "B.1.2.9.2",
        "B.1.2.9.3",
    ]


def test_a_year_uses_the_latest_wording_not_after_it(db):
    first = Indicator.objects.get(code="B.1.2.9.3")
    newer = Indicator.objects.create(
        code="B.1.2.9.3",
        year=2025,
        statement="A reworded statement.",
        calculation=Calculation.NETWORK,
        ordering=first.ordering,
    )

    by_year = {
        year: next(i for i in indicators_for_year(year) if i.code == "B.1.2.9.3")
        for year in (2019, 2024, 2025, 2030)
    }

    assert by_year == {2019: first, 2024: first, 2025: newer, 2030: newer}


def test_it_counts_students_with_credits_recognised_per_programme(world, users):
    result = result_for("B.1.2.5.8", users["office"])

    assert result.status == Status.EVIDENCED
    per_programme = result.tables[0]
    assert per_programme.rows == [["Prodi A1", 2, 2, 3]]
    assert per_programme.footer[1:] == [2, 2, 3]
    a = world["agreements"]
    assert [link.url for link in result.records] == [
        a["A5"].get_absolute_url(),
        a["A1"].get_absolute_url(),
    ]
    assert [item.label for item in result.files][2:] == [
        "Magang lintas prodi: Laporan magang",
        "Kelas transfer kredit: Daftar hadir",
    ]


def test_an_activity_of_a_credit_form_without_credits_is_partial(units, users):
    # given only a credit-transfer activity whose participants are not counted
    agreement = AgreementFactory(units=[units["ja1"]], signed_file=pdf_upload())
    Activity.objects.create(
        agreement=agreement,
        title="Transfer kredit",
        start_date=datetime.date(YEAR, 5, 1),
        unit=units["ja1"],
        form=CooperationType.objects.get(code="transfer-kredit"),
    )

    result = result_for("B.1.2.5.8", users["office"])

    assert result.status == Status.PARTIAL
    assert result.tables[0].rows == [["Prodi A1", 1, 1, 0]]
    assert result.notes


def test_certificates_count_only_with_the_partner_kinds_named(units, users):
    # given certificates issued with an NGO and with a certification body
    lsp = PartnerFactory(kind=PartnerKind.objects.get(code="certification"))
    ngo = PartnerFactory(kind=PartnerKind.objects.get(code="ngo"))
    for partner, count in ((lsp, 12), (ngo, 7)):
        activity = Activity.objects.create(
            agreement=AgreementFactory(
                partner=partner, units=[units["jb1"]], signed_file=pdf_upload()
            ),
            title=f"Uji kompetensi {count}",
            start_date=datetime.date(YEAR, 6, 1),
        )
        Participation.objects.create(
            activity=activity, unit=units["jb1"], students=count, certificates=count
        )

    result = result_for("B.1.2.6.16.c", users["office"])

    assert result.status == Status.EVIDENCED
    assert result.tables[0].rows == [["Prodi B1", 1, 1, 12]]


def test_an_indicator_without_data_has_no_evidence_yet(units, users):
    for code in ("B.1.2.5.8", "B.1.2.6.16.c", "B.1.2.9.3"):
        result = result_for(code, users["office"])

        assert result.status == Status.NO_EVIDENCE
        assert result.files == []


def test_activities_of_another_year_do_not_count(world, users):
    result = result_for("B.1.2.5.8", users["office"], year=YEAR - 1)

    assert result.status == Status.NO_EVIDENCE


def test_policy_coverage_lists_the_stages_of_current_documents(units, users):
    from mitra.records.models import PolicyDocument

    PolicyDocument.objects.create(
        title="Prosedur inisiasi kerja sama",
        covers=["initiation", "execution"],
        version="2",
        approved_on=datetime.date(2023, 1, 5),
        file=pdf_upload("sop.pdf"),
    )
    PolicyDocument.objects.create(
        title="Not yet approved",
        covers=["monitoring"],
        file=pdf_upload("draft.pdf"),
    )

    result = result_for("B.1.2.9.1", users["office"])

    assert result.status == Status.PARTIAL
    coverage = {str(row[0]): row[1] for row in result.tables[0].rows}
    assert [link.text for link in coverage["Initiation"]] == [
        "Prosedur inisiasi kerja sama (v2)"
    ]
    assert coverage["Monitoring"] == "not covered"
    assert [item.path for item in result.files] == [
        "policy-prosedur-inisiasi-kerja-sama-v2.pdf"
    ]


def _one_current_policy():
    from mitra.records.models import PolicyDocument

    PolicyDocument.objects.create(
        title="Prosedur inisiasi kerja sama",
        covers=["initiation"],
        version="1",
        approved_on=datetime.date(2023, 1, 5),
        file=pdf_upload("sop.pdf"),
    )


def test_policy_coverage_writes_its_day_as_a_date(units, users):
    _one_current_policy()

    result = result_for("B.1.2.9.1", users["office"])

    assert result.tables[0].title == "Stages covered on 31 December 2024"


@pytest.mark.indonesian
def test_policy_coverage_writes_its_day_as_an_indonesian_date(units, users):
    _one_current_policy()
    indicator = next(
        each for each in indicators_for_year(YEAR) if each.code == "B.1.2.9.1"
    )

    with frozen(TODAY):
        result = compute(indicator, YEAR, users["office"])

    assert result.tables[0].title == "Tahapan yang tercakup pada 31 Desember 2024"


def test_policy_coverage_without_documents_has_no_evidence_yet(db, users):
    assert result_for("B.1.2.9.1", users["office"]).status == Status.NO_EVIDENCE


def test_planning_documents_present_and_approved(units, users):
    from mitra.planning.models import (
        AnnualProgramme,
        AnnualTarget,
        AnnualTargetSet,
        MultiYearPlan,
    )

    # given a plan covering the year and an approved programme, but targets
    # still waiting for approval
    MultiYearPlan.objects.create(
        title="Renstra Kerja Sama",
        start_year=2020,
        end_year=2024,
        approved_on=datetime.date(2020, 1, 10),
        file=pdf_upload("renstra.pdf"),
    )
    AnnualProgramme.objects.create(year=YEAR, approved_on=datetime.date(YEAR, 1, 20))
    AnnualTarget.objects.create(year=YEAR, count=10)
    AnnualTargetSet.objects.create(year=YEAR)

    result = result_for("B.1.2.9.2", users["office"])

    assert result.status == Status.PARTIAL
    assert [row[1] for row in result.tables[0].rows] == ["present"] * 3
    assert [item.path for item in result.files] == ["multi-year-plan-2020-2024.pdf"]

    # when the targets are approved, all three stand
    AnnualTargetSet.objects.filter(year=YEAR).update(status="approved")
    assert result_for("B.1.2.9.2", users["office"]).status == Status.EVIDENCED


def test_planning_without_documents_has_no_evidence_yet(db, users):
    assert result_for("B.1.2.9.2", users["office"]).status == Status.NO_EVIDENCE


def test_the_network_by_scope_and_field(world, users):
    # given one agreement's relevance noted
    a = world["agreements"]
    AgreementRelevance.objects.create(agreement=a["A1"], note="Mendukung visi global")

    result = result_for("B.1.2.9.3", users["office"])

    # in force in 2024 (signed): A1, A2, A3, A4, A5, A6, A9, A10, A11 —
    # not A7 (a draft) nor A8 (ended 2023)
    grid = {str(row[0]): row[1:] for row in result.tables[0].rows}
    assert grid == {
        "International": ["2 (2)", "0 (0)", "0 (0)", "2 (2)"],
        "National": ["1 (1)", "4 (2)", "0 (0)", "6 (3)"],
        "Local/regional": ["1 (1)", "1 (1)", "0 (0)", "1 (1)"],
    }
    assert result.status == Status.PARTIAL  # no community service in force
    notes = {row[0].url: row[4].text for row in result.tables[1].rows}
    assert notes[a["A1"].get_absolute_url()] == "Mendukung visi global"
    assert len(result.files) == 9


def test_the_network_is_evidenced_when_every_scope_and_field_is_covered(units, users):
    for scope, field in (
        (Scope.LOCAL, "community_service"),
        (Scope.NATIONAL, "research"),
        (Scope.INTERNATIONAL, "education"),
    ):
        fields = {"education": False, field: True}
        agreement = AgreementFactory(
            scope=scope,
            start_date=datetime.date(2024, 1, 1),
            signed_file=pdf_upload(),
            **fields,
        )
        AgreementRelevance.objects.create(agreement=agreement, note="Sesuai visi")

    assert result_for("B.1.2.9.3", users["office"]).status == Status.EVIDENCED


def test_file_names_in_the_pack_are_safe_and_unique():
    assert safe_part("001/PL/HK/2024") == "001-PL-HK-2024"
    assert safe_part('..\\a:b*?"<>|') == "a-b"
    assert safe_part("") == "file"


def test_the_same_file_is_packed_once_and_clashing_names_are_numbered(world, users):
    from mitra.reports.indicators import EvidenceFile

    a1, a2 = world["agreements"]["A1"], world["agreements"]["A2"]
    items = [
        EvidenceFile("one", a1.signed_file, "x.pdf"),
        EvidenceFile("again", a1.signed_file, "y.pdf"),
        EvidenceFile("other", a2.signed_file, "x.pdf"),
    ]

    assert [(i.label, i.path) for i in unique_paths(items)] == [
        ("one", "x.pdf"),
        ("other", "x-2.pdf"),
    ]
