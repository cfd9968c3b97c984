"""The admin's refusal to delete a record gives the register's own reason."""

import datetime

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from mitra.core.clock import frozen
from mitra.records import services
from mitra.records.models import Record
from tests.records.helpers import hand_record

ISSUED = datetime.date(2024, 3, 15)
KEPT = datetime.date(2026, 6, 1)  # within the five years
PAST = datetime.date(2030, 6, 1)  # after them


@pytest.fixture
def record(users):
    return hand_record(users["office"], issued_on=ISSUED)


def _delete(client, record):
    url = reverse("admin:records_record_delete", args=[record.pk])
    return client.get(url), client.post(url, {"post": "yes"})


def test_it_says_until_when_a_record_is_kept(record, users, client_for):
    client = client_for(users["admin"])

    with frozen(KEPT):
        page, confirmed = _delete(client, record)

    assert page.status_code == confirmed.status_code == 403
    body = page.content.decode()
    kept_until = date_format(datetime.date(2029, 3, 14), "DATE_FORMAT")
    assert f"This record is kept until {kept_until}" in body
    assert "Your role does not allow" not in body
    assert reverse("records:detail", args=[record.pk]) in body
    assert Record.objects.filter(pk=record.pk).exists()


def test_it_says_a_record_is_under_a_legal_hold(record, users, client_for):
    services.legal_hold_set(record=record, by=users["head"], reason="Audit BPK")

    with frozen(PAST):
        page, confirmed = _delete(client_for(users["admin"]), record)

    assert page.status_code == confirmed.status_code == 403
    assert "under a legal hold" in page.content.decode()
    assert Record.objects.filter(pk=record.pk).exists()


def test_it_sends_a_record_past_retention_to_a_disposal(record, users, client_for):
    with frozen(PAST):
        page, confirmed = _delete(client_for(users["admin"]), record)

    assert page.status_code == confirmed.status_code == 403
    assert "removed only by an approved disposal" in page.content.decode()
    assert Record.objects.filter(pk=record.pk).exists()
