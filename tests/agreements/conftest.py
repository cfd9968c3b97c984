"""Fixtures of the agreement tests: uploads and a few named agreements."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.agreements.models import DocumentType, Status
from tests.factories import AgreementFactory, PartnerFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name="signed.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fake_pdf_upload(name="signed.pdf"):
    """A text file renamed to .pdf: the name lies, the content does not."""
    return SimpleUploadedFile(
        name, b"just some text, not a PDF\n" * 10, content_type="application/pdf"
    )


@pytest.fixture
def partner(db):
    return PartnerFactory(name="PT Contoh Sejahtera")


@pytest.fixture
def draft_b(units, partner):
    """A draft of jurusan B that jurusan A must never see."""
    return AgreementFactory(
        number=None,
        title="Draf rahasia jurusan B",
        status=Status.DRAFT,
        partner=partner,
        units=[units["jb"]],
    )


@pytest.fixture
def signed_b(units, partner):
    return AgreementFactory(
        number="100/PL/B/2024",
        title="PKS jurusan B",
        partner=partner,
        units=[units["jb"]],
    )


@pytest.fixture
def mou(partner):
    return AgreementFactory(
        number="001/MOU/2020",
        document_type=DocumentType.MOU,
        title="Nota kesepahaman",
        partner=partner,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
