"""The recap of a round (form BO.28.1.2): contents, exports, the issued copy."""

import datetime
import io

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from mitra.core.clock import frozen
from mitra.documents.models import IssuedDocument
from mitra.documents.services import form_context, render_docx, render_pdf
from mitra.monitoring import services
from mitra.monitoring.models import PeriodKind
from mitra.monitoring.selectors import round_recap
from tests.documents.helpers import docx_text, pdf_text, response_bytes
from tests.factories import ActivityFactory, AgreementFactory, PartnerFactory
from tests.monitoring.conftest import entry_of

CLOSING = datetime.date(2026, 2, 25)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def dormant(units):
    """In force since 2022, its only activity long ago: dormant on CLOSING."""
    agreement = AgreementFactory(
        number="003/PKS/2022",
        title="Kerja sama lama",
        partner=PartnerFactory(name="PT Gamma"),
        units=[units["jb"]],
        start_date=datetime.date(2022, 1, 1),
    )
    ActivityFactory(agreement=agreement, start_date=datetime.date(2023, 5, 2))
    return agreement


@pytest.fixture
def answered(users, monitoring_round, agreement_a, activity_a, dormant):
    """A round where jurusan A submitted and jurusan B did not."""
    services.round_add_entries(monitoring_round=monitoring_round, by=users["office"])
    services.entry_update(
        entry=entry_of(monitoring_round, agreement_a),
        by=users["unit_a"],
        implementation_status="ongoing",
        activities=[activity_a],
        benefits="Mahasiswa mendapat pengalaman industri",
        obstacles="Kuota terbatas",
        follow_up="Tambah kuota",
        submit=True,
    )
    return monitoring_round


def test_the_recap_lists_every_entry_completion_and_dormant_agreements(answered):
    with frozen(CLOSING):
        recap = round_recap(answered)

    assert recap["entry_count"] == 3
    assert recap["submitted_count"] == 1
    assert recap["completion_percent"] == 33.3
    rows = {row["agreement_number"]: row for row in recap["entries"]}
    assert rows["001/PKS/2024"]["implementation_status"] == "Ongoing"
    assert rows["001/PKS/2024"]["activities"].startswith("Magang semester ganjil (")
    assert rows["001/PKS/2024"]["benefits"] == "Mahasiswa mendapat pengalaman industri"
    assert rows["002/PKS/2024"]["state"] == "Not submitted"
    assert rows["002/PKS/2024"]["implementation_status"] == ""
    assert rows["003/PKS/2022"]["dormant"] == "Dormant"
    assert rows["002/PKS/2024"]["dormant"] == "Dormant"
    assert rows["001/PKS/2024"]["dormant"] == ""
    assert {row["code"]: row["percent"] for row in recap["completion"]} == {
        "JA": 100,
        "JB": 0,
        "JB1": 0,
    }
    assert {row["status"]: row["count"] for row in recap["status_counts"]} == {
        "Not started": 0,
        "Ongoing": 1,
        "Done": 0,
        "Stalled": 0,
    }
    # never active first, then the longest asleep
    assert [row["agreement_number"] for row in recap["dormant"]] == [
        "002/PKS/2024",
        "003/PKS/2022",
    ]
    assert [row["last_activity"] for row in recap["dormant"]] == [
        "never",
        "2 May 2023",
    ]


def test_a_unit_reads_only_its_own_rows(answered, users):
    recap = round_recap(answered, user=users["unit_a"])

    assert [row["agreement_number"] for row in recap["entries"]] == ["001/PKS/2024"]
    assert recap["entry_count"] == 1


def test_the_docx_and_pdf_read_back_with_every_part(answered, users):
    with frozen(CLOSING):
        context = form_context("monitoring_recap", answered, user=users["office"])
        docx = docx_text(render_docx(form="monitoring_recap", context=context))
        pdf = pdf_text(render_pdf(form="monitoring_recap", context=context))
    pdf = " ".join(pdf.split())

    for text in (docx, pdf):
        assert "BO.28.1.2" in text
        assert "MONITORING RECAP" in text.upper()
        assert "Kuota terbatas" in text
        assert "PT Gamma" in text
        assert "Completion per unit" in text
        assert "Dormant agreements" in text
    assert "1 / 3 (33.3%)" in docx


def test_the_recap_page_and_its_downloads(answered, users, client_for):
    client = client_for(users["office"])
    url = reverse("monitoring:recap", args=[answered.pk])

    with frozen(CLOSING):
        page = client.get(url)
        xlsx = client.get(url, {"export": "xlsx"})
        docx = client.get(url, {"format": "docx"})
        pdf = client.get(url, {"format": "pdf"})
        bad = client.get(url, {"format": "odt"})

    assert page.status_code == 200
    assert len(page.context["recap"]["entries"]) == 3
    workbook = load_workbook(io.BytesIO(response_bytes(xlsx)))
    assert workbook.sheetnames[:1] and len(workbook.sheetnames) == 3
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 4
    by_number = {row[1]: row for row in rows[1:]}
    assert by_number["001/PKS/2024"][10] == "Kuota terbatas"
    assert by_number["003/PKS/2022"][15] == "Dormant"
    completion = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert ("Jurusan A", "JA", 1, 1, 100) in completion
    dormant_rows = list(workbook.worksheets[2].iter_rows(values_only=True))
    assert [row[1] for row in dormant_rows[1:]] == ["002/PKS/2024", "003/PKS/2022"]
    assert "Kuota terbatas" in docx_text(response_bytes(docx))
    assert response_bytes(pdf).startswith(b"%PDF")
    assert bad.status_code == 400


def test_a_formula_typed_by_a_unit_stays_text_in_the_export(
    users, client_for, monitoring_round, agreement_a
):
    services.entry_update(
        entry=entry_of(monitoring_round, agreement_a),
        by=users["unit_a"],
        implementation_status="done",
        benefits='=HYPERLINK("http://evil.test")',
        submit=True,
    )

    response = client_for(users["office"]).get(
        reverse("monitoring:recap", args=[monitoring_round.pk]), {"export": "xlsx"}
    )

    sheet = load_workbook(io.BytesIO(response_bytes(response))).worksheets[0]
    benefits = [row[9] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil.test")' in benefits


def test_the_issued_recap_is_unchanged_after_the_data_changes(
    answered, users, agreement_a
):
    # given the round was closed and its recap issued
    with frozen(CLOSING):
        issued = services.round_close(monitoring_round=answered, by=users["office"])
    snapshot = dict(issued.snapshot)
    with issued.docx_file.open("rb") as handle:
        docx_before = handle.read()

    # when the data behind it changes
    agreement_a.title = "Judul baru"
    agreement_a.save()
    ActivityFactory(agreement=agreement_a, title="Kegiatan baru")
    services.round_reopen(monitoring_round=answered, by=users["office"])
    services.entry_update(
        entry=entry_of(answered, agreement_a),
        by=users["office"],
        implementation_status="stalled",
        obstacles="Mitra berganti pimpinan",
    )

    # then the issued version says what it said
    issued = IssuedDocument.objects.get(pk=issued.pk)
    assert issued.snapshot == snapshot
    with issued.docx_file.open("rb") as handle:
        assert handle.read() == docx_before
    assert "Kuota terbatas" in docx_text(docx_before)
    assert "Mitra berganti pimpinan" not in docx_text(docx_before)
    assert "Judul baru" not in docx_text(docx_before)


def test_unit_staff_cannot_read_the_recap_or_the_issued_copy(
    answered, users, client_for
):
    issued = services.round_close(monitoring_round=answered, by=users["office"])
    client = client_for(users["unit_a"])

    assert (
        client.get(reverse("monitoring:recap", args=[answered.pk])).status_code == 404
    )
    assert (
        client.get(reverse("documents:issued_detail", args=[issued.pk])).status_code
        == 404
    )
    leader = client_for(users["leader"])
    assert (
        leader.get(reverse("documents:issued_detail", args=[issued.pk])).status_code
        == 200
    )


def test_the_recap_page_runs_a_fixed_number_of_queries(users, units, client_for):
    client = client_for(users["office"])

    def recap_page(year, count):
        for _ in range(count):
            agreement = AgreementFactory(
                units=[units["ja1"]], end_date=datetime.date(2029, 1, 1)
            )
            ActivityFactory(agreement=agreement, start_date=datetime.date(year, 3, 1))
        monitoring_round = services.round_open(
            by=users["office"],
            period_kind=PeriodKind.YEAR,
            year=year,
            reference_date=datetime.date(year, 6, 30),
            due_date=datetime.date(year, 7, 31),
        )
        for entry in monitoring_round.entries.select_related("agreement"):
            services.entry_update(
                entry=entry,
                by=users["office"],
                implementation_status="done",
                activities=list(entry.agreement.activities.all()),
                submit=True,
            )
        url = reverse("monitoring:recap", args=[monitoring_round.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert recap_page(2025, 2) == recap_page(2026, 15)


def test_the_pdf_never_breaks_a_status_mid_word(answered, users):
    """ "Belum diserahkan" wraps between its words in the Status column."""
    with frozen(CLOSING), translation.override("id"):
        context = form_context("monitoring_recap", answered, user=users["office"])
        text = pdf_text(render_pdf(form="monitoring_recap", context=context))

    # the two entries not submitted; a break inside the word reads "diserahka n"
    assert " ".join(text.split()).count("Belum diserahkan") == 2


def test_the_workbook_holds_real_dates(answered, users, client_for):
    """Start, last activity and submission days are date cells, not text."""
    with frozen(CLOSING):
        xlsx = client_for(users["office"]).get(
            reverse("monitoring:recap", args=[answered.pk]), {"export": "xlsx"}
        )

    workbook = load_workbook(io.BytesIO(response_bytes(xlsx)))
    dormant = {row[1].value: row for row in workbook.worksheets[2].iter_rows(min_row=2)}
    start, last_activity = dormant["003/PKS/2022"][6], dormant["003/PKS/2022"][7]
    assert start.is_date and start.value.date() == datetime.date(2022, 1, 1)
    assert start.number_format == "DD/MM/YYYY"
    assert last_activity.is_date
    assert last_activity.value.date() == datetime.date(2023, 5, 2)
    # an agreement that never had an activity says so in words
    assert dormant["002/PKS/2024"][7].value == "never"
    entries = {row[1].value: row for row in workbook.worksheets[0].iter_rows(min_row=2)}
    submitted_on = entries["001/PKS/2024"][14]
    assert submitted_on.is_date and submitted_on.number_format == "DD/MM/YYYY"
    assert entries["002/PKS/2024"][14].value in ("", None)


def test_a_closed_rounds_docx_and_pdf_are_the_issued_files(
    answered, users, client_for, agreement_a
):
    # given the round was closed, then one of its agreements renamed
    with frozen(CLOSING):
        issued = services.round_close(monitoring_round=answered, by=users["office"])
    agreement_a.title = "Judul baru"
    agreement_a.save()
    client = client_for(users["office"])
    url = reverse("monitoring:recap", args=[answered.pk])

    downloads = {}
    for fmt in ("docx", "pdf"):
        # when the recap is downloaded
        response = client.get(url, {"format": fmt})

        # then it is the issued version, as it was frozen
        file_url = reverse("documents:issued_file", args=[issued.pk])
        assert response.status_code == 302
        assert response["Location"] == f"{file_url}?format={fmt}"
        field = issued.docx_file if fmt == "docx" else issued.pdf_file
        with field.open("rb") as handle:
            stored = handle.read()
        downloads[fmt] = response_bytes(client.get(response["Location"]))
        assert downloads[fmt] == stored
    assert "Magang industri" in docx_text(downloads["docx"])
    assert "Judul baru" not in docx_text(downloads["docx"])


def test_a_closed_rounds_page_and_workbook_say_they_are_todays_data(
    answered, users, client_for
):
    with frozen(CLOSING):
        issued = services.round_close(monitoring_round=answered, by=users["office"])
    client = client_for(users["office"])
    url = reverse("monitoring:recap", args=[answered.pk])

    page = client.get(url).content.decode()
    xlsx = client.get(url, {"export": "xlsx"})

    assert "counted from today&#x27;s data" in page
    assert f'href="{issued.get_absolute_url()}"' in page
    sheet = load_workbook(io.BytesIO(response_bytes(xlsx))).worksheets[0]
    assert "counted from today's data" in sheet["A1"].value
    assert "version 1" in sheet["A1"].value
    assert sheet["A2"].hyperlink.target.endswith(issued.get_absolute_url())
    assert sheet["A4"].value == "No."
    assert sheet.freeze_panes == "A5"
    assert sheet.max_row == 4 + 3


def test_an_open_rounds_docx_and_pdf_are_marked_as_drafts(answered, users, client_for):
    client = client_for(users["office"])
    url = reverse("monitoring:recap", args=[answered.pk])

    with frozen(CLOSING):
        docx = docx_text(response_bytes(client.get(url, {"format": "docx"})))
        pdf = pdf_text(response_bytes(client.get(url, {"format": "pdf"})))
        page = client.get(url).content.decode()

    assert docx.splitlines()[0] == "DRAFT — not issued"
    assert "DRAFT — not issued" in pdf
    assert "today" not in page
    with frozen(CLOSING):
        issued = services.round_close(monitoring_round=answered, by=users["office"])
    with issued.pdf_file.open("rb") as handle:
        assert "DRAFT" not in pdf_text(handle.read())
    with issued.docx_file.open("rb") as handle:
        assert "DRAFT" not in docx_text(handle.read())


def test_a_closed_rounds_recap_page_runs_a_fixed_number_of_queries(
    answered, users, client_for, units
):
    services.round_close(monitoring_round=answered, by=users["office"])
    client = client_for(users["office"])
    url = reverse("monitoring:recap", args=[answered.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    services.round_reopen(monitoring_round=answered, by=users["office"])
    for _ in range(5):
        AgreementFactory(units=[units["ja1"]], end_date=datetime.date(2029, 1, 1))
    services.round_add_entries(monitoring_round=answered, by=users["office"])
    services.round_close(monitoring_round=answered, by=users["office"])

    assert count() == before


def test_the_pdf_never_leaves_the_signature_alone_on_the_last_page(users, units):
    """With these twelve rows the signature used to open a page of its own."""
    for number in range(12):
        AgreementFactory(
            units=[units["jb"]],
            partner=PartnerFactory(name=f"PT Mitra {number}"),
            start_date=datetime.date(2020, 1, 1),
        )
    with frozen(CLOSING):
        monitoring_round = services.round_open(
            by=users["office"],
            period_kind=PeriodKind.YEAR,
            year=2025,
            reference_date=datetime.date(2025, 6, 30),
            due_date=datetime.date(2025, 7, 31),
        )
        context = form_context("monitoring_recap", monitoring_round, user=None)
        pdf = pypdf.PdfReader(
            io.BytesIO(render_pdf(form="monitoring_recap", context=context))
        )

    last_page = pdf.pages[-1].extract_text()
    assert "(....................................)" in last_page
    assert "PT Mitra" in last_page
