"""The change history reads as the pages do: local time, dates and yes/no."""

import datetime

from django.core.files.base import ContentFile

from mitra.core.clock import frozen
from mitra.core.history import history_entries
from mitra.records.services import legal_hold_set
from tests.agreements.uploads import PDF_BYTES
from tests.factories import AgreementFactory
from tests.records.helpers import hand_record

UTC = datetime.UTC


def changes_of(obj):
    return [
        (change.field, change.old, change.new)
        for entry in history_entries(obj)
        for change in entry.changes
    ]


def test_a_moment_shows_in_jakarta_time_not_raw_utc(users):
    record = hand_record(users["office"], issued_on=datetime.date(2026, 1, 5))
    # 18:57 UTC on 4 December is 01:57 on 5 December in Jakarta.
    with frozen(datetime.datetime(2026, 12, 4, 18, 57, 3, 711178, tzinfo=UTC)):
        legal_hold_set(record=record, by=users["head"], reason="Audit")

    moments = [new for _field, old, new in changes_of(record) if old == "—"]

    assert "5 December 2026, 01:57" in moments
    assert not [m for m in moments if "2026-12-04" in m or "+00:00" in m]


def test_dates_and_booleans_read_as_words(db):
    agreement = AgreementFactory(start_date=datetime.date(2024, 3, 1), research=False)
    agreement.start_date = datetime.date(2024, 4, 2)
    agreement.research = True
    agreement.save()

    changes = {field: (old, new) for field, old, new in changes_of(agreement)}

    old, new = next(value for field, value in changes.items() if "start" in field)
    assert "2024-03-01" not in old and "2024" in old and "2" in new
    assert ("no", "yes") in changes.values()


def test_a_file_reads_as_its_name_not_its_storage_path(users):
    agreement = AgreementFactory()
    agreement.signed_file.save("MoU bertanda tangan.pdf", ContentFile(PDF_BYTES))

    (change,) = [c for c in changes_of(agreement) if c[1] == "—" and ".pdf" in c[2]]

    assert change[2] == "mou-bertanda-tangan.pdf"
