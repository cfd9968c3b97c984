"""Making records for the tests: by hand, or from an issued document."""

import datetime

from django.core.files.base import ContentFile

from mitra.core.clock import frozen, now
from mitra.documents.models import IssuedDocument
from mitra.documents.signals import document_issued
from mitra.records import services
from mitra.records.models import RecordType
from tests.agreements.uploads import PDF_BYTES, pdf_upload


def record_type(code="minutes"):
    return RecordType.objects.get(code=code)


def hand_record(by, *, issued_on=datetime.date(2020, 3, 15), code="minutes", **extra):
    """Register a PDF by hand (the clock set to its day of issue)."""
    with frozen(issued_on):
        return services.record_register(
            record_type=record_type(code),
            title=extra.pop("title", "Notulen rapat kerja sama"),
            issued_on=issued_on,
            file=extra.pop("file", pdf_upload("notulen.pdf")),
            by=by,
            **extra,
        )


def issue(source, *, kind="minutes", by=None, issued_at=None, title="Notulen rapat"):
    """Create an issued document and announce it, as `issue_document` does."""
    previous = (
        IssuedDocument.objects.of(source, kind).order_by("-version").first()
        if source.pk
        else None
    )
    document = IssuedDocument(
        kind=kind,
        source=source,
        version=previous.version + 1 if previous else 1,
        title=title,
        snapshot={"title": title},
        issued_by=by,
        issued_at=issued_at or now(),
        supersedes=previous,
    )
    document.docx_file.save("notulen.docx", ContentFile(b"PK docx"), save=False)
    document.pdf_file.save("notulen.pdf", ContentFile(PDF_BYTES), save=False)
    document.save()
    document_issued.send(
        sender=IssuedDocument, document=document, source=source, previous=previous
    )
    return document
