"""Fixtures of the proposal tests: files, a call, and complete proposals."""

import datetime
import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.core import clock
from mitra.partners.models import PartnerKind
from mitra.planning.models import CooperationType
from mitra.proposals import services
from tests.factories import PartnerFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
#: "Today" of the proposal tests (a Monday), so deadlines are predictable.
TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _frozen_today():
    with clock.frozen(TODAY):
        yield


def pdf_upload(name="kak.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def docx_upload(name="kak.docx"):
    return SimpleUploadedFile(
        name,
        docx_bytes(),
        content_type="application/vnd.openxmlformats-officedocument."
        "wordprocessingml.document",
    )


def fake_pdf_upload(name="kak.pdf"):
    """A text file calling itself a PDF: the name lies, the content does not."""
    return SimpleUploadedFile(
        name, b"just some text, not a PDF\n" * 10, content_type="application/pdf"
    )


@pytest.fixture
def kinds(db):
    return list(CooperationType.objects.order_by("ordering")[:3])


@pytest.fixture
def partner_kind(db):
    return PartnerKind.objects.order_by("ordering").first()


@pytest.fixture
def partner(db):
    return PartnerFactory(name="PT Sinar Batam Teknologi")


def complete_values(*, unit, partner, kinds, document_type="mou", **extra):
    """Keyword arguments of a complete proposal from `unit`."""
    values = {
        "title": "Magang industri untuk mahasiswa",
        "document_type": document_type,
        "unit": unit,
        "partner": partner,
        "cooperation_types": kinds,
        "fields": {"education"},
        "expected_benefit": "Mahasiswa mendapat pengalaman kerja nyata.",
        "planned_activities": "Magang satu semester, 20 mahasiswa.",
    }
    values.update(extra)
    return values


@pytest.fixture
def make_proposal(users, units, partner, kinds):
    """Create a proposal of jurusan A (submitted unless told otherwise)."""

    def make(*, by=None, submit=True, unit=None, **extra):
        by = by or users["unit_a"]
        values = complete_values(unit=unit or units["ja"], partner=partner, kinds=kinds)
        values.update(extra)
        return services.proposal_create(by=by, submit=submit, **values)

    return make


@pytest.fixture
def call(users, units):
    return services.call_open(
        by=users["office"],
        year=2026,
        title="Usulan kerja sama 2026",
        deadline=TODAY + datetime.timedelta(days=20),
        units=[units["ja"], units["jb"]],
        message="Kirim usulan Anda.",
    )
