"""Moments read in Jakarta time, as the pages show them, not in raw UTC."""

import csv
import datetime
import io

from django.urls import reverse

from mitra.core.clock import frozen
from mitra.records import services
from tests.records.helpers import hand_record

# 18:57 UTC on 4 December is 01:57 on 5 December in Jakarta.
MOMENT = datetime.datetime(2026, 12, 4, 18, 57, 3, 711178, tzinfo=datetime.UTC)


def test_the_record_history_shows_the_hold_in_jakarta_time(users, client_for):
    record = hand_record(users["office"], issued_on=datetime.date(2026, 1, 5))
    with frozen(MOMENT):
        services.legal_hold_set(record=record, by=users["head"], reason="Audit")

    page = client_for(users["head"]).get(record.get_absolute_url()).content.decode()
    history = page[page.index('id="history"') :]

    assert "5 December 2026, 01:57" in history
    assert "+00:00" not in history and "2026-12-04" not in history


def test_the_disposal_log_export_writes_jakarta_time(users, client_for):
    record = hand_record(users["office"], issued_on=datetime.date(2020, 3, 15))
    with frozen(MOMENT):
        disposal = services.disposal_list_build(by=users["office"])
        services.disposal_list_approve(disposal_list=disposal, by=users["head"])
    head = client_for(users["head"])

    page = head.get(reverse("records:disposal_log")).content.decode()
    export = head.get(reverse("records:disposal_log"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))

    assert "5 December 2026, 01:57" in page
    assert rows[1][0] == "5 December 2026, 01:57"
    assert rows[1][3] == str(record.pk)
