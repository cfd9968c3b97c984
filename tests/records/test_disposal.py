"""Disposal: the list, its archive stored first, the head's approval, the log."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from mitra.core.clock import frozen
from mitra.records import services
from mitra.records.models import (
    DisposalItem,
    DisposalList,
    DisposalLog,
    DisposalStatus,
    Record,
    RecordProtected,
)
from tests.factories import AgreementFactory
from tests.records.helpers import hand_record, issue

PAST_DAY = datetime.date(2025, 6, 1)


@pytest.fixture
def old_records(users):
    """Two records issued in 2020 (past retention by mid-2025), one from 2021."""
    first = hand_record(
        users["office"], issued_on=datetime.date(2020, 3, 15), title="Notulen 2020"
    )
    with frozen(datetime.date(2020, 5, 2)):
        document = issue(
            AgreementFactory(), kind="monitoring_recap", by=users["office"]
        )
    second = Record.objects.get(document=document)
    kept = hand_record(
        users["office"], issued_on=datetime.date(2021, 1, 10), title="Notulen 2021"
    )
    return first, second, kept


def read_archive(disposal):
    with disposal.archive.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    index = archive.read("index.csv").decode("utf-8-sig")
    return archive.namelist(), list(csv.reader(io.StringIO(index)))


def test_building_a_list_stores_the_archive_of_the_listed_records(old_records, users):
    first, second, kept = old_records

    with frozen(PAST_DAY):
        disposal = services.disposal_list_build(by=users["office"])

    assert disposal.status == DisposalStatus.PROPOSED
    assert {item.record for item in disposal.items.all()} == {first, second}
    names, index = read_archive(disposal)
    assert "index.csv" in names
    assert any(name.endswith("/notulen.pdf") for name in names)
    assert sum(name.endswith((".pdf", ".docx")) for name in names) == 3
    numbers = [row[0] for row in index[1:]]
    assert sorted(numbers) == sorted([str(first.pk), str(second.pk)])
    assert first.checksum in index[1 + numbers.index(str(first.pk))][8]
    # nothing is deleted yet
    assert Record.objects.filter(pk__in=[first.pk, second.pk, kept.pk]).count() == 3


def test_approval_deletes_each_record_and_logs_it(
    old_records, users, django_capture_on_commit_callbacks
):
    first, second, kept = old_records
    file_name = first.file.name
    with frozen(PAST_DAY):
        disposal = services.disposal_list_build(by=users["office"])

        with django_capture_on_commit_callbacks(execute=True):
            services.disposal_list_approve(disposal_list=disposal, by=users["head"])

    disposal.refresh_from_db()
    assert disposal.status == DisposalStatus.DISPOSED
    assert disposal.decided_by == users["head"]
    assert list(Record.objects.all()) == [kept]
    log = {entry.record_number: entry for entry in DisposalLog.objects.all()}
    assert set(log) == {first.pk, second.pk}
    assert log[first.pk].title == "Notulen 2020"
    assert log[first.pk].disposed_by == users["head"]
    assert log[first.pk].disposed_at.date() == PAST_DAY
    assert log[first.pk].checksum == first.checksum
    assert log[second.pk].document_number == second.document_id
    assert not default_storage.exists(file_name)
    # the archive and the list are kept
    assert default_storage.exists(disposal.archive.name)
    assert DisposalItem.objects.filter(disposal_list=disposal).count() == 2


def test_only_the_head_approves(old_records, users):
    with frozen(PAST_DAY):
        disposal = services.disposal_list_build(by=users["office"])
        for role in ("office", "leader", "auditor"):
            with pytest.raises(ValidationError):
                services.disposal_list_approve(disposal_list=disposal, by=users[role])
    assert Record.objects.count() == 3


def test_a_damaged_archive_stops_the_disposal(old_records, users):
    with frozen(PAST_DAY):
        disposal = services.disposal_list_build(by=users["office"])
        default_storage.delete(disposal.archive.name)
        default_storage.save(disposal.archive.name, ContentFile(b"not the archive"))

        with pytest.raises(ValidationError, match="archive"):
            services.disposal_list_approve(disposal_list=disposal, by=users["head"])
    assert Record.objects.count() == 3


def test_a_record_held_after_listing_is_skipped(old_records, users):
    first, second, _kept = old_records
    with frozen(PAST_DAY):
        disposal = services.disposal_list_build(by=users["office"])
        services.legal_hold_set(record=first, by=users["head"], reason="Sengketa")

        services.disposal_list_approve(disposal_list=disposal, by=users["head"])

    assert Record.objects.filter(pk=first.pk).exists()
    assert not Record.objects.filter(pk=second.pk).exists()
    assert list(DisposalLog.objects.values_list("record_number", flat=True)) == [
        second.pk
    ]


def test_a_listed_record_is_not_listed_twice_and_a_cancelled_list_frees_it(
    old_records, users
):
    with frozen(PAST_DAY):
        disposal = services.disposal_list_build(by=users["office"])
        with pytest.raises(ValidationError, match="No record"):
            services.disposal_list_build(by=users["office"])

        services.disposal_list_cancel(
            disposal_list=disposal, by=users["office"], note="Belum diperiksa"
        )
        with pytest.raises(ValidationError, match="already decided"):
            services.disposal_list_approve(disposal_list=disposal, by=users["head"])
        again = services.disposal_list_build(by=users["office"])

    assert again.items.count() == 2
    assert Record.objects.count() == 3


def test_a_file_missing_from_storage_is_named_and_the_list_still_built(
    old_records, users
):
    first, _second, _kept = old_records
    default_storage.delete(first.file.name)

    with frozen(PAST_DAY):
        disposal = services.disposal_list_build(by=users["office"])

    assert disposal.archive_missing == [first.file.name]
    _names, index = read_archive(disposal)
    row = next(row for row in index[1:] if row[0] == str(first.pk))
    assert row[9] == first.file.name


def test_the_log_and_lists_are_never_deleted_or_changed(old_records, users):
    with frozen(PAST_DAY):
        disposal = services.disposal_list_build(by=users["office"])
        services.disposal_list_approve(disposal_list=disposal, by=users["head"])
    entry = DisposalLog.objects.first()

    with pytest.raises(RecordProtected):
        entry.delete()
    entry.title = "Lain"
    with pytest.raises(RecordProtected):
        entry.save()
    with pytest.raises(RecordProtected):
        DisposalLog.objects.update(title="Lain")
    with pytest.raises(RecordProtected):
        DisposalLog.objects.all().delete()
    with pytest.raises(RecordProtected):
        disposal.delete()
    with pytest.raises(RecordProtected), transaction.atomic():
        DisposalList.objects.filter(pk=disposal.pk).delete()
    assert DisposalLog.objects.count() == 2


def test_deleting_one_record_past_retention_is_a_disposal_of_its_own(
    old_records, users
):
    first, second, _kept = old_records

    with frozen(PAST_DAY):
        with pytest.raises(ValidationError):
            services.record_delete(record=first, by=users["office"])
        disposal = services.record_delete(record=first, by=users["head"])

    assert disposal.status == DisposalStatus.DISPOSED
    assert not Record.objects.filter(pk=first.pk).exists()
    assert Record.objects.filter(pk=second.pk).exists()
    assert DisposalLog.objects.get().record_number == first.pk
    names, _index = read_archive(disposal)
    assert any(name.endswith("notulen.pdf") for name in names)


def test_the_head_is_told_once_a_month_of_records_to_dispose(old_records, users):
    from mitra.core.models import Notification
    from mitra.records.jobs import disposal_due

    assert disposal_due(datetime.date(2024, 6, 1)) == {
        "disposable": 0,
        "notifications": 0,
    }
    first = disposal_due(PAST_DAY)
    again = disposal_due(PAST_DAY + datetime.timedelta(days=3))

    assert first == {"disposable": 2, "notifications": 1}
    assert again["notifications"] == 0
    assert Notification.objects.get().recipient == users["head"]
