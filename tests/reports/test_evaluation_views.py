"""Pages of the annual evaluation report: who sees, writes, previews, issues."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.clock import frozen
from mitra.documents.models import IssuedDocument
from mitra.reports.evaluation import evaluation_issue, evaluation_save
from mitra.reports.evaluation_forms import MAX_CHAPTER_LENGTH
from mitra.reports.evaluation_models import EvaluationReport
from tests.documents.helpers import docx_text, response_bytes
from tests.factories import ActivityFactory, AgreementFactory, UnitFactory

D = datetime.date
TODAY = D(2025, 2, 3)


@pytest.fixture(autouse=True)
def _today():
    with frozen(TODAY):
        yield


@pytest.fixture
def quick_files(monkeypatch):
    monkeypatch.setattr(
        "mitra.documents.services.render_pdf", lambda **kwargs: b"%PDF-1.4 test"
    )
    monkeypatch.setattr(
        "mitra.documents.services.render_docx", lambda **kwargs: b"PK test"
    )


def detail(year=2024):
    return reverse("reports:evaluation_detail", args=[year])


def test_the_list_shows_every_year_to_readers_and_issued_ones_to_units(
    users, client_for, quick_files
):
    evaluation_save(year=2023, by=users["office"], analysis="Draf")
    evaluation_issue(year=2024, by=users["head"])

    office_page = client_for(users["office"]).get(reverse("reports:evaluation_list"))
    assert office_page.status_code == 200
    assert [status.year for status in office_page.context["statuses"]] == [
        2025,
        2024,
        2023,
    ]

    unit_page = client_for(users["unit_b"]).get(reverse("reports:evaluation_list"))
    assert [status.year for status in unit_page.context["statuses"]] == [2024]
    assert f'href="{detail(2024)}"' not in unit_page.content.decode()


def test_the_office_writes_the_draft(users, client_for):
    client = client_for(users["office"])

    page = client.get(detail())
    assert page.status_code == 200
    assert page.context["form"] is not None

    response = client.post(
        detail(),
        {
            "analysis": "Analisis tahun ini.",
            "problems": "Masalah.",
            "follow_up_plan": "Rencana.",
            "place": "Batam",
        },
    )
    assert response.status_code == 302
    report = EvaluationReport.objects.get(year=2024)
    assert (report.analysis, report.place) == ("Analisis tahun ini.", "Batam")
    assert report.edited_by == users["office"]


def test_a_new_draft_takes_the_signature_block_of_the_previous_year(users, client_for):
    evaluation_save(
        year=2023, by=users["office"], place="Batam", signatory_name="Dr. Kepala"
    )

    form = client_for(users["office"]).get(detail(2024)).context["form"]

    assert form.initial["place"] == "Batam"
    assert form.initial["signatory_name"] == "Dr. Kepala"


def test_bad_input_shows_the_field_error(users, client_for):
    response = client_for(users["office"]).post(
        detail(), {"analysis": "x" * (MAX_CHAPTER_LENGTH + 1), "place": "y" * 101}
    )

    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"analysis", "place"}
    assert not EvaluationReport.objects.exists()


@pytest.mark.parametrize("name", ["leader", "auditor"])
def test_leaders_and_auditors_read_the_draft_but_do_not_write(name, users, client_for):
    evaluation_save(year=2024, by=users["office"], analysis="Analisis rahasia")
    client = client_for(users[name])

    page = client.get(detail())
    assert page.status_code == 200
    assert page.context["form"] is None
    assert "Analisis rahasia" in page.content.decode()
    assert client.post(detail(), {"analysis": "x"}).status_code == 403
    assert (
        client.get(reverse("reports:evaluation_issue", args=[2024])).status_code == 403
    )


def test_unit_staff_never_see_a_draft(users, client_for):
    evaluation_save(year=2024, by=users["office"], analysis="Analisis rahasia")
    report = EvaluationReport.objects.get(year=2024)
    client = client_for(users["unit_a"])

    assert client.get(detail()).status_code == 302
    assert client.get(detail(), follow=True).status_code == 404
    preview = reverse("reports:evaluation_preview", args=[2024])
    assert client.get(preview + "?format=pdf").status_code == 403
    assert client.post(detail(), {"analysis": "x"}).status_code == 403
    generic = reverse("documents:print", args=["evaluation_report", report.pk])
    assert client.get(generic + "?format=pdf").status_code == 404


def test_the_generic_print_page_refuses_unit_staff_an_issued_report(
    users, client_for, quick_files
):
    evaluation_issue(year=2024, by=users["head"])
    report = EvaluationReport.objects.get(year=2024)
    generic = reverse("documents:print", args=["evaluation_report", report.pk])

    assert client_for(users["unit_a"]).get(generic + "?format=docx").status_code == 403


def test_the_preview_is_a_marked_draft(users, client_for):
    evaluation_save(year=2024, by=users["office"], analysis="Analisis pratinjau.")
    client = client_for(users["office"])
    preview = reverse("reports:evaluation_preview", args=[2024])

    docx = client.get(preview + "?format=docx")
    assert docx.status_code == 200
    assert docx["Content-Type"].startswith("application/vnd.openxml")
    text = docx_text(response_bytes(docx))
    assert "Analisis pratinjau." in text
    assert "DRAF" in text.upper()
    assert client.get(preview + "?format=xls").status_code == 400
    assert not IssuedDocument.objects.exists()


def test_only_the_head_issues(users, client_for, quick_files):
    issue = reverse("reports:evaluation_issue", args=[2024])

    assert client_for(users["office"]).post(issue).status_code == 403
    head = client_for(users["head"])
    assert head.get(issue).status_code == 200
    response = head.post(issue)

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:evaluation_versions", args=[2024])
    document = IssuedDocument.objects.get()
    assert (document.version, document.issued_by) == (1, users["head"])
    assert document.snapshot["draft_mark"] == ""
    assert document.snapshot["form_number"] == "FO.28.2.1"


def test_a_future_or_ancient_year_is_not_found(users, client_for):
    client = client_for(users["head"])

    assert client.get(detail(2026)).status_code == 404
    assert client.get(detail(1999)).status_code == 404
    assert (
        client.post(reverse("reports:evaluation_issue", args=[2026])).status_code == 404
    )


def _grow(units, count):
    for index in range(count):
        unit = UnitFactory(code=f"JX{index}", name=f"Jurusan X{index}", kind="jurusan")
        agreement = AgreementFactory(
            signed_on=D(2024, 3, 1),
            start_date=D(2024, 3, 1),
            units=[unit, units["ja1"]],
        )
        ActivityFactory(agreement=agreement, start_date=D(2024, 4, 1), unit=unit)


def test_the_draft_page_runs_a_fixed_number_of_queries(users, units, client_for):
    client = client_for(users["office"])
    evaluation_save(year=2024, by=users["office"], analysis="x")
    _grow(units, 2)
    client.get(detail())

    with CaptureQueriesContext(connection) as few:
        assert client.get(detail()).status_code == 200
    _grow(units, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(detail()).status_code == 200

    assert len(many) == len(few)
