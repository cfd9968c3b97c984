"""Retention dates: the last day a record is kept, and where it changes."""

import datetime

import pytest

from mitra.core.clock import frozen
from mitra.records import retention, services
from mitra.records.models import Record
from tests.records.helpers import hand_record, record_type


@pytest.mark.parametrize(
    ("issued_on", "years", "last_day"),
    [
        (datetime.date(2020, 3, 15), 5, datetime.date(2025, 3, 14)),
        (datetime.date(2020, 1, 1), 5, datetime.date(2024, 12, 31)),
        (datetime.date(2024, 2, 29), 5, datetime.date(2029, 2, 28)),
        (datetime.date(2024, 2, 29), 4, datetime.date(2028, 2, 28)),
        (datetime.date(2023, 12, 31), 1, datetime.date(2024, 12, 30)),
    ],
)
def test_a_record_is_kept_the_full_term_and_not_a_day_more(issued_on, years, last_day):
    assert retention.retain_until(issued_on, years) == last_day


def test_it_is_kept_on_its_last_day_and_free_the_day_after(users):
    record = hand_record(users["office"], issued_on=datetime.date(2020, 3, 15))

    assert record.retain_until == datetime.date(2025, 3, 14)
    assert record.is_retained(datetime.date(2025, 3, 14))
    assert not record.is_retained(datetime.date(2025, 3, 15))
    assert list(Record.objects.disposable(datetime.date(2025, 3, 14))) == []
    assert list(Record.objects.disposable(datetime.date(2025, 3, 15))) == [record]


def test_the_default_retention_is_a_setting(users, settings):
    settings.MITRA_RECORD_RETENTION_YEARS = 10

    record = hand_record(users["office"], issued_on=datetime.date(2020, 3, 15))

    assert record.retain_until == datetime.date(2030, 3, 14)


def test_a_record_type_may_set_its_own_retention(users):
    minutes = record_type("minutes")
    minutes.retention_years = 3
    minutes.save()

    record = hand_record(users["office"], issued_on=datetime.date(2020, 3, 15))

    assert record.retain_until == datetime.date(2023, 3, 14)


def test_a_longer_retention_lengthens_kept_records_a_shorter_one_never_shortens(
    users,
):
    record = hand_record(users["office"], issued_on=datetime.date(2020, 3, 15))
    minutes = record_type("minutes")

    with frozen(datetime.date(2024, 1, 1)):
        services.record_type_update(
            record_type=minutes,
            by=users["office"],
            storage_location="Lemari arsip 2",
            retention_years=8,
        )
        record.refresh_from_db()
        assert record.retain_until == datetime.date(2028, 3, 14)

        services.record_type_update(
            record_type=minutes,
            by=users["office"],
            storage_location="Lemari arsip 2",
            retention_years=2,
        )
    record.refresh_from_db()
    assert record.retain_until == datetime.date(2028, 3, 14)
    # the storage location of a record is the one it was registered with
    assert record.storage_location != "Lemari arsip 2"
