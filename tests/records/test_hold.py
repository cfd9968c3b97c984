"""Legal holds: the head's, with a reason; a held record is never disposed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mitra.core.clock import frozen
from mitra.records import services
from mitra.records.models import RecordProtected
from tests.records.helpers import hand_record

PAST_DAY = datetime.date(2025, 6, 1)


@pytest.fixture
def record(users):
    return hand_record(users["office"], issued_on=datetime.date(2020, 3, 15))


def test_the_head_sets_and_clears_a_hold_with_a_reason(record, users):
    held = services.legal_hold_set(
        record=record, by=users["head"], reason="Audit BPK 2025"
    )
    assert held.on_hold and held.hold_reason == "Audit BPK 2025"
    assert held.hold_by == users["head"]

    cleared = services.legal_hold_clear(
        record=record, by=users["head"], reason="Audit selesai"
    )
    assert not cleared.on_hold
    reasons = [entry.history_change_reason for entry in record.history.all()]
    assert "Audit BPK 2025" in reasons and "Audit selesai" in reasons


@pytest.mark.parametrize("role", ["office", "leader", "auditor", "unit_a"])
def test_only_the_head_holds(record, users, role):
    with pytest.raises(ValidationError):
        services.legal_hold_set(record=record, by=users[role], reason="Sengketa")
    record.refresh_from_db()
    assert not record.on_hold


def test_a_hold_needs_a_reason(record, users):
    with pytest.raises(ValidationError) as refusal:
        services.legal_hold_set(record=record, by=users["head"], reason="  ")
    assert "reason" in refusal.value.message_dict


def test_a_held_record_past_retention_stays(record, users):
    services.legal_hold_set(record=record, by=users["head"], reason="Sengketa")
    record.refresh_from_db()

    with frozen(PAST_DAY):
        assert list(services.disposable_records()) == []
        with pytest.raises(ValidationError):
            services.disposal_list_build(by=users["office"])
        with pytest.raises(RecordProtected, match="legal hold"):
            services.record_delete(record=record, by=users["head"])
        record.title = "Lain"
        with pytest.raises(RecordProtected, match="legal hold"):
            record.save()


def test_the_hold_page_is_the_heads(record, users, client_for):
    url = reverse("records:hold", args=[record.pk])

    refused = client_for(users["office"]).post(url, {"reason": "x"})
    assert refused.status_code == 403

    response = client_for(users["head"]).post(url, {"action": "set", "reason": "Audit"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.on_hold

    empty = client_for(users["head"]).post(url, {"action": "clear", "reason": ""})
    assert empty.status_code == 400
    record.refresh_from_db()
    assert record.on_hold
