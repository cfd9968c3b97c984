"""The annual evaluation report's counting rules, services and reads."""

import datetime
import sys

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mitra.agreements.models import Status
from mitra.core.clock import frozen
from mitra.core.permissions import Action, can
from mitra.reports.evaluation import (
    evaluation_issue,
    evaluation_save,
    follow_up_plan,
    paragraphs,
    report_context,
    report_for,
    reportable_years,
    year_statuses,
)
from mitra.reports.evaluation_models import EvaluationReport
from tests.factories import ActivityFactory, AgreementFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def quick_files(monkeypatch):
    """Issue without laying out real files: these tests read the snapshot."""
    monkeypatch.setattr(
        "mitra.documents.services.render_pdf", lambda **kwargs: b"%PDF-1.4 test"
    )
    monkeypatch.setattr(
        "mitra.documents.services.render_docx", lambda **kwargs: b"PK test"
    )


def figures(year, on):
    with frozen(on):
        return report_context(report_for(year))


def test_while_the_year_runs_it_counts_up_to_today(db):
    AgreementFactory(number="ENDED", start_date=D(2024, 1, 1), end_date=D(2025, 6, 1))
    AgreementFactory(number="LATER", start_date=D(2024, 1, 1), end_date=D(2025, 9, 30))
    AgreementFactory(
        number="NOT-YET", signed_on=D(2025, 7, 1), start_date=D(2025, 7, 1)
    )

    during = figures(2025, D(2025, 6, 15))

    assert during["as_of"] == "15 June 2025"
    assert [row["agreement_number"] for row in during["ended_agreements"]] == ["ENDED"]
    assert (during["active_count"], during["new_count"]) == (2, 0)


def test_a_terminated_agreement_stays_active_until_its_termination(db):
    AgreementFactory(
        number="T",
        status=Status.TERMINATED,
        start_date=D(2020, 1, 1),
        end_date=D(2030, 1, 1),
        terminated_on=D(2023, 5, 1),
    )

    assert figures(2023, D(2024, 1, 5))["active_count"] == 1
    assert figures(2024, D(2025, 1, 5))["active_count"] == 0


def test_a_renewal_being_prepared_is_named_for_the_expired_agreement(db):
    old = AgreementFactory(
        number="OLD", start_date=D(2021, 1, 1), end_date=D(2024, 3, 31)
    )
    AgreementFactory(number=None, status=Status.DRAFT, renews=old)

    ended = figures(2024, D(2025, 1, 5))["ended_agreements"]

    assert [(row["agreement_number"], row["renewal"]) for row in ended] == [
        ("OLD", "Renewal in preparation")
    ]


def test_drafts_and_agreements_without_dates_are_not_counted(db):
    AgreementFactory(number=None, status=Status.DRAFT, start_date=D(2024, 2, 1))
    AgreementFactory(number="NODATE", start_date=None, end_date=None, signed_on=None)

    counted = figures(2024, D(2025, 1, 5))

    assert counted["active_count"] == counted["new_count"] == 0


def test_activities_count_when_they_took_place_in_the_year(db):
    agreement = AgreementFactory(start_date=D(2020, 1, 1), end_date=None)
    ActivityFactory(agreement=agreement, start_date=D(2023, 12, 1), end_date=None)
    ActivityFactory(
        agreement=agreement, start_date=D(2023, 12, 1), end_date=D(2024, 1, 2)
    )
    ActivityFactory(agreement=agreement, start_date=D(2024, 12, 31))
    ActivityFactory(agreement=agreement, start_date=D(2025, 1, 1))

    assert figures(2024, D(2025, 1, 5))["activity_count"] == 2


def test_a_section_whose_app_is_missing_says_so(db, monkeypatch):
    monkeypatch.setitem(sys.modules, "mitra.planning.selectors", None)
    monkeypatch.setitem(sys.modules, "mitra.surveys.selectors", None)

    counted = figures(2024, D(2025, 1, 5))

    assert counted["targets"] == []
    assert counted["targets_note"] == (
        "Targets are not available in this installation yet."
    )
    assert counted["survey_note"] == (
        "Surveys are not available in this installation yet."
    )
    assert counted["chart_targets"] is None


def test_written_text_becomes_paragraphs_at_blank_lines():
    assert paragraphs("Satu.\nMasih satu.\n\n  \nDua.\r\n\r\nTiga. ") == [
        {"text": "Satu.\nMasih satu."},
        {"text": "Dua."},
        {"text": "Tiga."},
    ]
    assert paragraphs("   ") == []


def test_an_empty_introduction_and_closing_print_a_standard_text(db):
    counted = figures(2024, D(2025, 1, 5))

    assert "in 2024" in counted["introduction"]
    assert "31 December 2024" in counted["introduction"]
    assert "2025" in counted["closing"]
    assert counted["analysis_paragraphs"] == []
    assert counted["signatory_position"] == "Head of the cooperation office"


def test_saving_creates_one_draft_per_year_and_keeps_its_history(users):
    office = users["office"]

    evaluation_save(year=2024, by=office, analysis="Pertama")
    report = evaluation_save(
        year=2024, by=office, analysis="Kedua\x07 bel", place="  Batam  "
    )

    assert EvaluationReport.objects.count() == 1
    assert report.analysis == "Kedua bel"
    assert report.place == "Batam"
    assert report.edited_by == office
    assert report.history.count() == 2


def test_a_future_year_is_refused(users):
    with frozen(D(2025, 3, 1)), pytest.raises(ValidationError):
        evaluation_save(year=2026, by=users["office"], analysis="x")
    with frozen(D(2025, 3, 1)), pytest.raises(ValidationError):
        evaluation_issue(year=2026, by=users["head"])


def test_the_follow_up_plan_is_the_latest_issued_one(users, quick_files):
    head, office = users["head"], users["office"]
    assert follow_up_plan(2024) is None

    evaluation_save(year=2024, by=office, follow_up_plan="Draf saja")
    assert follow_up_plan(2024) is None

    with frozen(D(2025, 1, 10)):
        evaluation_issue(year=2024, by=head)
        evaluation_save(year=2024, by=office, follow_up_plan="Rencana baru")
    assert follow_up_plan(2024) == "Draf saja"

    with frozen(D(2025, 1, 11)):
        evaluation_issue(year=2024, by=head)
    assert follow_up_plan(2024) == "Rencana baru"


def test_year_statuses_tell_draft_issued_and_changed_since(users, quick_files):
    head, office = users["head"], users["office"]
    evaluation_save(year=2023, by=office, analysis="Draf")
    with frozen(datetime.datetime(2025, 1, 10, 3, tzinfo=datetime.UTC)):
        evaluation_issue(year=2024, by=head)
    with frozen(datetime.datetime(2025, 1, 11, 3, tzinfo=datetime.UTC)):
        evaluation_save(year=2024, by=office, analysis="Sesudah terbit")

    statuses = {status.year: status for status in year_statuses([2025, 2024, 2023])}

    assert statuses[2025].report is None and not statuses[2025].is_issued
    assert statuses[2023].report is not None and not statuses[2023].is_issued
    assert statuses[2024].is_issued and statuses[2024].versions == 1
    assert statuses[2024].changed_since_issue


def test_reportable_years_run_from_the_oldest_record_to_now(db):
    AgreementFactory(start_date=D(2019, 5, 1), end_date=None)

    with frozen(D(2025, 3, 1)):
        assert reportable_years() == [2025, 2024, 2023, 2022, 2021, 2020, 2019]


def test_unit_staff_see_a_report_only_once_it_is_issued(users, quick_files):
    unit = users["unit_a"]
    draft = evaluation_save(year=2023, by=users["office"], analysis="x")
    with frozen(D(2025, 1, 10)):
        document = evaluation_issue(year=2024, by=users["head"])
    issued = EvaluationReport.objects.get(year=2024)

    assert list(EvaluationReport.objects.for_user(unit)) == [issued]
    assert not can(unit, Action.VIEW, draft)
    assert can(unit, Action.VIEW, issued)
    assert can(unit, Action.VIEW, document)
    assert not can(unit, Action.VIEW, EvaluationReport)
    assert can(users["auditor"], Action.VIEW, draft)
    assert can(users["leader"], Action.VIEW, EvaluationReport)
    assert not can(users["leader"], Action.CHANGE, EvaluationReport)
    assert can(users["office"], Action.CHANGE, EvaluationReport)
    assert not can(users["office"], Action.APPROVE, EvaluationReport)
    assert can(users["head"], Action.APPROVE, EvaluationReport)
    assert not can(users["head"], Action.DELETE, issued)
