"""A legal hold is set once and cleared once: a second one is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mitra.records import services
from tests.records.helpers import hand_record


@pytest.fixture
def record(users):
    return hand_record(users["office"], issued_on=datetime.date(2020, 3, 15))


def test_a_second_hold_is_refused_and_the_first_reason_stays(record, users):
    first = services.legal_hold_set(record=record, by=users["head"], reason="Audit BPK")

    with pytest.raises(ValidationError) as refusal:
        services.legal_hold_set(record=record, by=users["head"], reason="Sengketa")

    assert refusal.value.code == "already_held"
    assert "already under a legal hold" in refusal.value.messages[0]
    record.refresh_from_db()
    assert (record.hold_reason, record.hold_changed_at) == (
        "Audit BPK",
        first.hold_changed_at,
    )
    assert record.history.count() == 2  # registered, then held once


def test_clearing_a_hold_never_set_is_refused(record, users):
    with pytest.raises(ValidationError) as refusal:
        services.legal_hold_clear(record=record, by=users["head"], reason="Selesai")

    assert refusal.value.code == "not_held"
    record.refresh_from_db()
    assert (record.hold_reason, record.hold_changed_at) == ("", None)


def test_clearing_twice_is_refused_and_keeps_the_first_clearing(record, users):
    services.legal_hold_set(record=record, by=users["head"], reason="Audit")
    cleared = services.legal_hold_clear(
        record=record, by=users["head"], reason="Audit selesai"
    )

    with pytest.raises(ValidationError, match="not under a legal hold"):
        services.legal_hold_clear(record=record, by=users["head"], reason="Lagi")

    record.refresh_from_db()
    assert (record.hold_reason, record.hold_changed_at) == (
        "Audit selesai",
        cleared.hold_changed_at,
    )


@pytest.mark.parametrize(
    ("action", "message"),
    [("set", "already under a legal hold"), ("clear", "not under a legal hold")],
)
def test_the_hold_page_says_why_it_refuses(record, users, client_for, action, message):
    if action == "set":
        services.legal_hold_set(record=record, by=users["head"], reason="Audit BPK")
    url = reverse("records:hold", args=[record.pk])

    response = client_for(users["head"]).post(
        url, {"action": action, "reason": "Alasan lain"}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    record.refresh_from_db()
    assert record.on_hold is (action == "set")
    assert record.hold_reason == ("Audit BPK" if action == "set" else "")
