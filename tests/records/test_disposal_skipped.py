"""A disposal list shows which of its records approval skips, and why."""

import datetime

import pytest
from django.utils.formats import date_format

from mitra.core.clock import frozen
from mitra.records import services
from mitra.records.models import DisposalLog, Record, SkipReason
from tests.records.helpers import hand_record, record_type

PAST_DAY = datetime.date(2025, 6, 1)


@pytest.fixture
def listed(users):
    """Three records past retention on PAST_DAY, listed for disposal; then
    one is put under a hold and another's type is kept seven years."""
    held = hand_record(users["office"], code="minutes", title="Notulen ditahan")
    longer = hand_record(users["office"], code="programme", title="Program lama")
    disposed = hand_record(users["office"], code="mapping", title="Pemetaan lama")
    with frozen(PAST_DAY):
        disposal = services.disposal_list_build(by=users["office"])
        services.legal_hold_set(record=held, by=users["head"], reason="Audit BPK")
        services.record_type_update(
            record_type=record_type("programme"),
            by=users["office"],
            storage_location="Lemari arsip",
            retention_years=7,
        )
    longer.refresh_from_db()
    return disposal, held, longer, disposed


def _rows(page):
    table = page[page.index('id="disposal-items"') :]
    return table[: table.index("</table>")]


def test_before_approval_the_list_shows_the_records_it_will_skip(
    listed, users, client_for
):
    disposal, _held, longer, _disposed = listed

    with frozen(PAST_DAY):
        page = client_for(users["head"]).get(disposal.get_absolute_url())
    body = page.content.decode()

    kept_until = date_format(longer.retain_until, "DATE_FORMAT")
    assert "Will be skipped: under a legal hold" in _rows(body)
    assert f"Will be skipped: kept until {kept_until}" in _rows(body)
    assert _rows(body).count("To be disposed of") == 1
    assert "2 listed records are now held or kept longer" in body


def test_after_approval_the_list_shows_what_was_skipped_and_why(
    listed, users, client_for
):
    disposal, held, longer, disposed = listed
    with frozen(PAST_DAY):
        services.disposal_list_approve(disposal_list=disposal, by=users["head"])
    # the hold is cleared later: the list still says why the record stayed
    services.legal_hold_clear(record=held, by=users["head"], reason="Selesai")

    body = client_for(users["auditor"]).get(disposal.get_absolute_url())
    body = body.content.decode()

    assert list(DisposalLog.objects.values_list("record_number", flat=True)) == [
        disposed.pk
    ]
    assert Record.objects.filter(pk__in=[held.pk, longer.pk]).count() == 2
    kept_until = date_format(longer.retain_until, "DATE_FORMAT")
    assert "Skipped: under a legal hold" in _rows(body)
    assert f"Skipped: kept until {kept_until}" in _rows(body)
    assert _rows(body).count("Disposed of") == 1
    assert "2 listed records were skipped on approval" in body
    reasons = dict(disposal.items.values_list("record_number", "skipped"))
    assert reasons == {
        held.pk: SkipReason.HELD,
        longer.pk: SkipReason.RETAINED,
        disposed.pk: "",
    }


def test_a_list_whose_records_all_go_shows_no_warning(users, client_for):
    hand_record(users["office"])
    with frozen(PAST_DAY):
        disposal = services.disposal_list_build(by=users["office"])
        page = client_for(users["head"]).get(disposal.get_absolute_url())

    assert 'id="skipped-note"' not in page.content.decode()
    assert "To be disposed of" in page.content.decode()
