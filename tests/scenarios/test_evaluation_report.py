"""Acceptance of the annual evaluation report (issue 6, item 3).

The figures of a fixture year equal those counted by hand (see
`tests/reports/evaluation_data.py`); the DOCX reads back and the PDF carries
every heading; an issued report never changes with the data; issuing again
makes version 2 and version 1 stays readable; an empty year gives an honest
empty report.
"""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document

from mitra.core.clock import frozen
from mitra.documents.services import long_date
from mitra.reports.evaluation import (
    CHAPTERS,
    SECTIONS,
    evaluation_issue,
    evaluation_save,
    follow_up_plan,
    report_context,
    report_for,
    report_title,
)
from tests.documents.helpers import docx_text, pdf_text, response_bytes
from tests.factories import AgreementFactory
from tests.reports.evaluation_data import YEAR, build_year, survey_summary_2024

#: The fixture year is reported on after it ended.
AFTER_THE_YEAR = datetime.date(2025, 2, 3)


@pytest.fixture
def year_data(units, monkeypatch):
    monkeypatch.setattr("mitra.surveys.selectors.survey_summary", survey_summary_2024)
    return build_year(units)


def _pick(rows, *keys):
    return [tuple(row[key] for key in keys) for row in rows]


def _counts(rows):
    return _pick(rows, "label", "new", "active", "expired", "renewed", "terminated")


def _flat(text):
    return re.sub(r"\s+", " ", text).casefold()


def test_the_figures_equal_those_counted_by_hand(year_data):
    with translation.override("en"), frozen(AFTER_THE_YEAR):
        figures = report_context(report_for(YEAR))

    # Agreements: new, active, expired, renewed, terminated
    assert [
        figures[f"{key}_count"]
        for key in ("new", "active", "expired", "renewed", "terminated")
    ] == [3, 7, 2, 1, 1]
    assert _counts(figures["by_type"]) == [
        ("MoU", 1, 1, 0, 0, 0),
        ("MoA/PKS", 2, 4, 1, 1, 0),
        ("IA", 0, 2, 1, 0, 1),
        ("Addendum", 0, 0, 0, 0, 0),
        ("Other", 0, 0, 0, 0, 0),
    ]
    assert _counts(figures["by_scope"]) == [
        ("Local/regional", 0, 2, 0, 0, 1),
        ("National", 2, 4, 2, 1, 0),
        ("International", 1, 1, 0, 0, 0),
    ]
    assert _counts(figures["by_unit"]) == [
        ("Jurusan A", 2, 3, 1, 1, 0),
        ("Jurusan B", 0, 2, 1, 0, 1),
        ("Kantor Kerja Sama Uji", 0, 2, 1, 0, 0),
        ("(no unit)", 1, 1, 0, 0, 0),
    ]
    assert _counts(figures["by_field"]) == [
        ("Education", 2, 3, 1, 0, 0),
        ("Research", 2, 3, 1, 1, 0),
        ("Community service", 0, 1, 0, 0, 1),
        ("(no field)", 0, 1, 0, 0, 0),
    ]
    assert [row["agreement_number"] for row in figures["new_agreements"]] == [
        "A1/2024",
        "A2/2024",
        "A4/2024",
    ]
    assert [
        (row["agreement_number"], row["how"], row["renewal"])
        for row in figures["ended_agreements"]
    ] == [
        ("A9/2021", "Expired", "In renewal"),
        ("A3/2021", "Expired", "Renewed by A4/2024"),
        ("A5/2023", "Terminated", ""),
    ]

    # Targets: JA's 2 agreements met, the institution's 5 activities at 40%
    assert [
        (row["unit"], row["target"], row["achieved"], row["percent"], row["met"])
        for row in figures["targets"]
    ] == [("Institution", 5, 2, 40, "no"), ("Jurusan A", 2, 2, 100, "yes")]
    assert (figures["target_count"], figures["targets_met_count"]) == (2, 1)

    # Activities, participants and outputs
    assert figures["activity_count"] == 3
    assert [
        figures[key]
        for key in ("students", "students_credited", "certificates", "lecturers")
    ] == [18, 11, 5, 3]
    assert _pick(
        figures["activities_by_unit"],
        "label",
        "activities",
        "students",
        "students_credited",
        "certificates",
        "lecturers",
    ) == [
        ("Jurusan A", 2, 15, 8, 5, 3),
        ("Jurusan B", 1, 3, 3, 0, 0),
        ("Kantor Kerja Sama Uji", 0, 0, 0, 0, 0),
    ]
    assert figures["activities_by_form"] == [
        {"label": "(no form given)", "count": 2},
        {"label": "Magang Uji", "count": 1},
    ]
    assert (figures["activities_with_output"], figures["output_count"]) == (2, 1)
    assert {"label": "Prototype", "count": 1} in figures["outputs_by_kind"]

    # Monitoring, survey, dormant agreements
    assert _pick(
        figures["monitoring_rounds"],
        "title",
        "entries",
        "submitted",
        "percent",
        "ongoing",
        "done",
        "not_started",
        "stalled",
    ) == [("Monitoring 2024", 3, 2, 67, 1, 1, 0, 0)]
    assert figures["survey"]["service_index"] == "82.50"
    assert figures["survey"]["grade"] == "B"
    assert figures["survey"]["cooperation_index"] == "79.25"
    assert figures["survey_weakest"] == [
        {"number": "1", "item": "Waktu penyelesaian", "mean": "2.86"}
    ]
    assert [row["agreement_number"] for row in figures["dormant"]] == ["A10/2019"]
    assert figures["as_of"] == "31 December 2024"


def test_the_docx_reads_back_and_the_pdf_has_every_heading(year_data, users):
    head = users["head"]
    evaluation_save(
        year=YEAR,
        by=users["office"],
        analysis="Kerja sama tumbuh.\n\nMonitoring belum lengkap.",
        problems="Jadwal mitra berubah.",
        follow_up_plan="Menambah MoA di Jurusan B.",
        place="Batam",
        signatory_name="Dr. Kepala Uji",
        signatory_id_number="198001012005011001",
    )

    with frozen(AFTER_THE_YEAR):
        document = evaluation_issue(year=YEAR, by=head)

    with document.docx_file.open("rb") as handle:
        data = handle.read()
    word = Document(io.BytesIO(data))
    chapters = [
        paragraph.text
        for paragraph in word.paragraphs
        if paragraph.style.name == "Heading 1"
    ]
    assert chapters == [
        f"{number}. {translation.gettext(title).upper()}"
        for _key, number, title in CHAPTERS
    ]
    text = docx_text(data)
    assert "FO.28.2.1" in text
    assert report_title(YEAR).upper() in text
    assert "Kerja sama tumbuh." in text and "Monitoring belum lengkap." in text
    assert f"Batam, {long_date(AFTER_THE_YEAR)}" in text
    assert "NIP. 198001012005011001" in text
    assert "Magang industri" in text
    assert len(word.tables) > 8

    with document.pdf_file.open("rb") as handle:
        printed = _flat(pdf_text(handle.read()))
    headings = [title for _key, _number, title in CHAPTERS + SECTIONS]
    for heading in headings:
        assert _flat(translation.gettext(heading)) in printed, heading
    assert _flat(report_title(YEAR)) in printed
    assert "fo.28.2.1" in printed
    assert "dr. kepala uji" in printed


def test_an_issued_report_does_not_change_with_the_data(year_data, users, units):
    head, office = users["head"], users["office"]
    evaluation_save(year=YEAR, by=office, follow_up_plan="Rencana pertama.")
    with frozen(AFTER_THE_YEAR):
        first = evaluation_issue(year=YEAR, by=head)
    with first.pdf_file.open("rb") as handle:
        first_pdf = handle.read()

    # when the records and the draft change afterwards
    AgreementFactory(
        number="LATE/2024",
        signed_on=datetime.date(2024, 12, 1),
        start_date=datetime.date(2024, 12, 1),
        units=[units["jb"]],
    )
    year_data["agreements"]["A10"].delete()
    evaluation_save(year=YEAR, by=office, follow_up_plan="Rencana kedua.")

    # then the issued version is as it was
    first.refresh_from_db()
    assert first.snapshot["new_count"] == 3
    assert first.snapshot["active_count"] == 7
    assert first.snapshot["dormant_count"] == 1
    assert first.snapshot["follow_up_plan"] == "Rencana pertama."
    with first.pdf_file.open("rb") as handle:
        assert handle.read() == first_pdf
    assert follow_up_plan(YEAR) == "Rencana pertama."
    with frozen(AFTER_THE_YEAR):
        live = report_context(report_for(YEAR))
    assert (live["new_count"], live["dormant_count"]) == (4, 0)


def test_issuing_again_makes_version_2_and_version_1_stays_readable(
    year_data, users, units, client_for
):
    head, office = users["head"], users["office"]
    with frozen(AFTER_THE_YEAR):
        first = evaluation_issue(year=YEAR, by=head)
        AgreementFactory(
            number="LATE/2024",
            signed_on=datetime.date(2024, 12, 1),
            start_date=datetime.date(2024, 12, 1),
        )
        evaluation_save(year=YEAR, by=office, follow_up_plan="Revisi.")
        second = evaluation_issue(year=YEAR, by=head)

    assert (first.version, second.version) == (1, 2)
    assert second.supersedes == first
    assert (first.snapshot["new_count"], second.snapshot["new_count"]) == (3, 4)
    assert follow_up_plan(YEAR) == "Revisi."

    # version 1 is still listed and downloadable, by unit staff too
    client = client_for(users["unit_a"])
    page = client.get(reverse("reports:evaluation_versions", args=[YEAR]))
    assert page.status_code == 200
    assert "v1" in page.content.decode() and "v2" in page.content.decode()
    old = client.get(reverse("documents:issued_file", args=[first.pk]) + "?format=pdf")
    assert old.status_code == 200
    assert "A1/2024" in pdf_text(response_bytes(old))


def test_an_empty_year_gives_an_honest_empty_report(users):
    with frozen(datetime.date(2025, 1, 15)), translation.override("en"):
        figures = report_context(report_for(2023))
        document = evaluation_issue(year=2023, by=users["head"])

    assert [
        figures[f"{key}_count"]
        for key in ("new", "active", "expired", "renewed", "terminated")
    ] == [0, 0, 0, 0, 0]
    assert all(row["active"] == 0 for row in figures["by_type"])
    assert figures["targets"] == []
    assert figures["targets_note"] == "No targets were set for this year."
    assert figures["activity_count"] == 0 and figures["activities"] == []
    assert figures["monitoring_note"] == "No monitoring round was held this year."
    assert figures["survey_note"] == (
        "No partner satisfaction survey was closed this year."
    )
    assert figures["dormant"] == []
    assert document.version == 1
    with document.pdf_file.open("rb") as handle:
        printed = _flat(pdf_text(handle.read()))
    assert "no targets were set for this year." in printed
    assert "not written." in printed
    assert follow_up_plan(2023) == ""
    assert follow_up_plan(2022) is None
