"""Building blocks of the signing-workflow tests: clauses, drafts, patterns
and a draft brought to each stage through the services."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from mitra.agreements import drafting, services, workflow
from mitra.agreements.models import (
    Decision,
    DocumentType,
    ReviewerCapacity,
    Status,
)
from mitra.core.fields import Scope
from mitra.core.models import NumberingPattern, Role, UnitKind
from tests.agreements.uploads import pdf_upload
from tests.factories import ContactFactory, PartnerFactory, UnitFactory, UserFactory

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

CLAUSES = (
    (
        "Kerahasiaan",
        "Confidentiality",
        "PARA PIHAK menjaga kerahasiaan data.\nKewajiban ini tetap berlaku.",
        "The PARTIES keep the data confidential.\nThis duty survives.",
        10,
    ),
    (
        "Hak Kekayaan Intelektual",
        "Intellectual Property",
        "Hak atas hasil bersama dimiliki bersama.",
        "Rights in joint results are held jointly.",
        20,
    ),
    (
        "Penyelesaian Perselisihan",
        "Settlement of Disputes",
        "Perselisihan diselesaikan secara musyawarah.",
        "Disputes are settled amicably.",
        30,
    ),
)


def make_clauses(by=None):
    """Add the three library clauses and return them in order."""
    return [
        drafting.clause_create(
            by=by,
            title_id=title_id,
            title_en=title_en,
            text_id=text_id,
            text_en=text_en,
            order=order,
        )
        for title_id, title_en, text_id, text_en, order in CLAUSES
    ]


def legal_user():
    """A lawyer of the legal service unit: unit staff outside the jurusan."""
    legal = UnitFactory(code="HKM", name="Unit Hukum", kind=UnitKind.UNIT)
    return UserFactory(username="legal", role=Role.UNIT, units=[legal])


def set_pattern(kind="agreement.mou", pattern="{seq:03}/PL29/HK/{year}"):
    return NumberingPattern.objects.create(kind=kind, pattern=pattern)


def new_draft(
    users,
    units,
    *,
    scope=Scope.NATIONAL,
    document_type=DocumentType.MOU,
    title="Kerja sama magang industri",
    start=datetime.date(2025, 3, 3),
    end=datetime.date(2030, 3, 2),
    partner_name="",
):
    """A draft as an approved proposal becomes one: partner, unit, people."""
    default = "PT Galangan Samudra" if scope != Scope.INTERNATIONAL else "Nanyang Poly"
    partner = PartnerFactory(
        name=partner_name or default,
        scope=scope,
        address="Jl. Pelabuhan 1, Batam",
        country="Indonesia" if scope != Scope.INTERNATIONAL else "Singapore",
    )
    contact = ContactFactory(
        partner=partner, name="Rina Wijaya", email="rina@galangan.test"
    )
    return services.agreement_create(
        by=users["office"],
        partner=partner,
        document_type=document_type,
        title=title,
        units=[units["ja"]],
        status=Status.DRAFT,
        start_date=start,
        end_date=end,
        fields={"education"},
        no_parent_reason="Kerja sama langsung" if document_type != "mou" else "",
        our_signatory_name="Dr. Budi Santoso",
        our_signatory_position="Direktur",
        partner_signatory_name="Ir. Hendra Gunawan",
        partner_signatory_position="Direktur Utama",
        partner_contact=contact,
        responsible_user=users["unit_a"],
    ).agreement


def generate(agreement, users, clauses=None, note="Draf awal"):
    return drafting.draft_generate(
        agreement=agreement, by=users["office"], clauses=clauses, note=note
    )


def review_approved(agreement, users, reviewer=None):
    """Run a one-step review the reviewer approves."""
    reviewer = reviewer or users["leader"]
    review = workflow.review_start(
        agreement=agreement,
        by=users["head"],
        reviewers=[(reviewer, ReviewerCapacity.LEADERSHIP)],
    )
    workflow.review_decide(
        assignment=review.assignments.get(), by=reviewer, decision=Decision.APPROVED
    )
    return review


def ready_to_sign(agreement, users, clauses=None):
    """Bring a draft to a locked final version."""
    generate(agreement, users, clauses)
    review_approved(agreement, users)
    workflow.final_lock(agreement=agreement, by=users["office"])
    agreement.refresh_from_db()
    return agreement


def sign(agreement, users, *, signed_on=datetime.date(2025, 3, 3), **values):
    values.setdefault("start_date", agreement.start_date or signed_on)
    values.setdefault("end_date", agreement.end_date)
    values.setdefault("signed_file", pdf_upload())
    result = workflow.agreement_sign(
        agreement=agreement, by=users["office"], signed_on=signed_on, **values
    )
    agreement.refresh_from_db()
    return result


def docx_bytes(*paragraphs):
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def docx_upload(*paragraphs, name="draft.docx"):
    return SimpleUploadedFile(name, docx_bytes(*paragraphs), content_type=DOCX_TYPE)


def docx_text(data):
    """Every text of a DOCX: paragraphs, then table cells."""
    document = Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)
