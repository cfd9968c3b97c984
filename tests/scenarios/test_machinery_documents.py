"""Acceptance of the printed forms and issued documents (issue 3, items 4 and 5).

* An uploaded template with an unknown variable is refused naming it; a
  file that is not a DOCX and a zip bomb named .docx are refused with a
  clear message; nothing is saved.
* The agreement summary sheet renders as DOCX (read back with python-docx)
  and as PDF (its text holds the agreement's number and the parties).
* An issued document does not change when its source changes, and editing
  it is refused; issuing again makes version 2 and keeps version 1
  readable.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from mitra.agreements.models import Status
from mitra.documents.models import FormTemplate, IssuedDocument, PrintedForm
from mitra.documents.services import form_context, issue_document, letterhead_update
from tests.documents.helpers import (
    docx_text,
    docx_upload,
    make_docx,
    pdf_text,
    response_bytes,
    zip_bomb_docx,
)
from tests.factories import AgreementFactory, ContactFactory, PartnerFactory

UPLOAD = reverse("documents:form_upload", args=["agreement_summary"])


@pytest.fixture
def agreement(units, users):
    partner = PartnerFactory(name="PT Galangan Kapal Nusantara")
    letterhead_update(name="Politeknik Uji", address="Jl. Ahmad Yani", by=None)
    return AgreementFactory(
        number="012/PL29/HK/2024",
        title="Kerja sama pendidikan vokasi perkapalan",
        partner=partner,
        partner_contact=ContactFactory(partner=partner, name="Rina Marlina"),
        our_signatory_name="Dr. Budi Santoso",
        our_signatory_position="Direktur",
        partner_signatory_name="Ir. Siti Rahayu",
        partner_signatory_position="Direktur Utama",
        units=[units["ja"]],
    )


def assert_nothing_saved():
    assert FormTemplate.objects.count() == 0
    assert not PrintedForm.objects.filter(active_template__isnull=False).exists()


def test_it_refuses_a_template_with_an_unknown_variable_naming_it(users, client_for):
    # given a template using {{ nomor }} and {{ partner.nmae }}
    template = make_docx("Nomor: {{ nomor }}", "Mitra: {{ partner.nmae }}")

    # when the office uploads it for the agreement summary sheet
    response = client_for(users["office"]).post(
        UPLOAD,
        {"file": docx_upload(template), "activate": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # then it is refused naming each unknown variable, and nothing is stored
    assert response.status_code == 400
    page = response.content.decode()
    assert "nomor" in page
    assert "partner.nmae" in page
    assert "does not provide" in page
    assert "partner.name" in page  # offered as the likely intended one
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("summary.docx", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "not an accepted type"),
        ("summary.docx", b"Nomor: {{ number }}", "not an accepted type"),
        ("bomb.docx", None, "unpacks to far more than its size"),
    ],
    ids=["pdf-named-docx", "text-named-docx", "zip-bomb"],
)
def test_it_refuses_a_file_that_is_not_a_safe_docx(
    users, client_for, name, content, message
):
    # given a file named .docx that is something else
    content = zip_bomb_docx() if content is None else content

    # when the office uploads it
    response = client_for(users["office"]).post(
        UPLOAD,
        {"file": docx_upload(content, name=name), "activate": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # then a clear message, and nothing is stored
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_saved()


def test_it_prints_the_agreement_summary_sheet_as_docx_and_pdf(
    agreement, users, client_for
):
    client = client_for(users["unit_a"])
    url = reverse("documents:agreement_summary", args=[agreement.pk])

    # when the DOCX is downloaded, it reads back with python-docx
    response = client.get(url, {"format": "docx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = docx_text(response_bytes(response))
    for expected in (
        "012/PL29/HK/2024",
        "Politeknik Uji",
        "PT Galangan Kapal Nusantara",
        "Dr. Budi Santoso",
        "Ir. Siti Rahayu",
    ):
        assert expected in text

    # and the PDF's text has the number and the parties too
    response = client.get(url, {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response_bytes(response))
    for expected in (
        "012/PL29/HK/2024",
        "Politeknik Uji",
        "PT Galangan Kapal Nusantara",
        "Dr. Budi Santoso",
        "Ir. Siti Rahayu",
    ):
        assert expected in text


def test_an_issued_document_is_frozen_and_versioned(agreement, users, client_for):
    office = users["office"]

    # given version 1 of the summary sheet, issued
    first = issue_document(
        kind="agreement_summary",
        source=agreement,
        context=form_context("agreement_summary", agreement, user=office),
        by=office,
        title="Ringkasan 012/PL29/HK/2024",
    )
    first_pdf = first.pdf_file.read()
    first.pdf_file.close()

    # when the agreement changes afterwards
    agreement.title = "Judul yang diubah kemudian"
    agreement.status = Status.TERMINATED
    agreement.save()

    # then version 1 is unchanged, in its data and in its files
    first.refresh_from_db()
    assert first.snapshot["title"] == "Kerja sama pendidikan vokasi perkapalan"
    client = client_for(users["unit_a"])
    url = reverse("documents:issued_file", args=[first.pk])
    stored = response_bytes(client.get(url, {"format": "pdf"}))
    assert stored == first_pdf
    assert "Kerja sama pendidikan vokasi perkapalan" in pdf_text(stored)

    # and editing it is refused, through the model, a bulk update and the admin
    first.title = "Diubah"
    with translation.override("en"):
        with pytest.raises(ValidationError, match="cannot be changed"):
            first.save()
        with pytest.raises(ValidationError, match="cannot be changed"):
            IssuedDocument.objects.filter(pk=first.pk).update(title="Diubah")
    admin = client_for(users["admin"])
    change_url = reverse("admin:documents_issueddocument_change", args=[first.pk])
    admin.post(change_url, {"title": "Diubah"})
    first.refresh_from_db()
    assert first.title == "Ringkasan 012/PL29/HK/2024"

    # when it is issued again
    second = issue_document(
        kind="agreement_summary",
        source=agreement,
        context=form_context("agreement_summary", agreement, user=office),
        by=office,
        title="Ringkasan 012/PL29/HK/2024",
    )

    # then that is version 2, superseding version 1, which stays readable
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert second.supersedes == first
    assert first.superseded_by == second
    assert not first.is_current and second.is_current
    assert "Judul yang diubah kemudian" in docx_text(
        response_bytes(
            client.get(
                reverse("documents:issued_file", args=[second.pk]),
                {"format": "docx"},
            )
        )
    )
    page = client.get(reverse("documents:issued_detail", args=[first.pk]))
    assert page.status_code == 200
    assert "Kerja sama pendidikan vokasi perkapalan" in page.content.decode()
    assert response_bytes(client.get(url, {"format": "pdf"})) == first_pdf
