"""A record within retention or under a hold can be neither changed nor deleted."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from mitra.core.clock import frozen
from mitra.documents.models import IssuedDocument
from mitra.records import services
from mitra.records.models import Record, RecordProtected, _refuse_document_deletion
from tests.factories import AgreementFactory
from tests.records.helpers import hand_record, issue

KEPT_DAY = datetime.date(2024, 6, 1)
PAST_DAY = datetime.date(2025, 3, 15)


@pytest.fixture
def record(users):
    return hand_record(users["office"], issued_on=datetime.date(2020, 3, 15))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Judul lain"),
        ("issued_on", datetime.date(2021, 1, 1)),
        ("storage_location", "Gudang"),
        ("note", "catatan"),
        ("file", "elsewhere.pdf"),
        ("retain_until", datetime.date(2021, 1, 1)),
    ],
)
def test_the_model_refuses_a_change_while_kept(record, field, value):
    setattr(record, field, value)

    with frozen(KEPT_DAY), pytest.raises(RecordProtected, match="kept until"):
        record.save()

    record.refresh_from_db()
    assert getattr(record, field) != value


def test_the_model_refuses_deletion_while_kept_by_any_path(record):
    with frozen(KEPT_DAY):
        with pytest.raises(RecordProtected):
            record.delete()
        with pytest.raises(RecordProtected), transaction.atomic():
            models.Model.delete(record)  # the path of a cascade
        with pytest.raises(ValidationError):
            Record.objects.filter(pk=record.pk).delete()
        with pytest.raises(ValidationError):
            Record.objects.all().delete()
    assert Record.objects.filter(pk=record.pk).exists()


def test_bulk_changes_are_refused(record):
    with pytest.raises(ValidationError):
        Record.objects.filter(pk=record.pk).update(title="Lain")
    record.title = "Lain"
    with pytest.raises(ValidationError), transaction.atomic():
        Record.objects.bulk_update([record], ["title"])
    record.refresh_from_db()
    assert record.title == "Notulen rapat kerja sama"


def test_the_services_refuse_with_a_readable_message(record, users):
    with frozen(KEPT_DAY):
        with pytest.raises(ValidationError, match="14 March 2025"):
            services.record_update(
                record=record, by=users["office"], title="Lain", storage_location="X"
            )
        with pytest.raises(ValidationError, match="14 March 2025"):
            services.record_delete(record=record, by=users["head"])


def test_past_retention_a_record_may_be_described_anew(record, users):
    with frozen(PAST_DAY):
        services.record_update(
            record=record, by=users["office"], title="Lain", storage_location="Gudang"
        )

    record.refresh_from_db()
    assert (record.title, record.storage_location) == ("Lain", "Gudang")


def test_past_retention_it_is_deleted_only_by_a_disposal(record):
    with frozen(PAST_DAY), pytest.raises(RecordProtected, match="approved disposal"):
        record.delete()
    assert Record.objects.filter(pk=record.pk).exists()


def test_its_retention_may_grow_but_never_shrink(record):
    with frozen(KEPT_DAY):
        record.retain_until = datetime.date(2026, 1, 1)
        record.save()
        record.retain_until = datetime.date(2025, 1, 1)
        with pytest.raises(RecordProtected):
            record.save()


def test_an_issued_document_with_a_record_is_not_deleted(users):
    document = issue(AgreementFactory(), kind="minutes", by=users["office"])

    with frozen(KEPT_DAY), pytest.raises(RecordProtected):
        _refuse_document_deletion(sender=IssuedDocument, instance=document)
    with pytest.raises((ValidationError, ProtectedError)), transaction.atomic():
        models.Model.delete(document)
    assert IssuedDocument.objects.filter(pk=document.pk).exists()
