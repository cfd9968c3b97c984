"""The daily reminders of monitoring entries and the office's overview."""

import datetime
import logging

import pytest
from django.apps import apps
from django.core import mail
from django.test.utils import override_settings
from django.urls import reverse

from mitra.agreements.models import Status
from mitra.core.daily import run_daily
from mitra.core.models import JobRun, Notification, Role
from mitra.monitoring import overview, selectors, services
from mitra.monitoring.jobs import entry_reminders, office_overview
from mitra.monitoring.overview import OverdueItem, overdue_overview
from tests.factories import AgreementFactory, UserFactory
from tests.monitoring.conftest import DUE, entry_of

DAY = datetime.timedelta(days=1)
OFFICE = {"office", "head", "admin"}


def keys(user):
    return sorted(
        Notification.objects.filter(recipient=user).values_list("dedupe_key", flat=True)
    )


def reminders_on(day):
    return entry_reminders(day)


def test_assignees_are_reminded_at_each_lead_and_once_overdue(
    users, monitoring_round, agreement_a
):
    unit_a = users["unit_a"]
    prefix = f"monitoring.entries:{monitoring_round.pk}:{DUE.isoformat()}"

    for day in (DUE - DAY * 10, DUE - DAY * 8):
        reminders_on(day)
    assert keys(unit_a) == []

    reminders_on(DUE - DAY * 7)
    reminders_on(DUE - DAY * 3)
    assert keys(unit_a) == [f"{prefix}:7"]

    reminders_on(DUE - DAY)
    reminders_on(DUE)
    assert keys(unit_a) == [f"{prefix}:1", f"{prefix}:7"]

    reminders_on(DUE + DAY)
    reminders_on(DUE + DAY * 5)
    assert keys(unit_a) == [f"{prefix}:1", f"{prefix}:7", f"{prefix}:overdue"]
    # the office is not reminded of each entry; its overview covers them
    assert keys(users["office"]) == []


def test_after_a_gap_only_the_latest_reminder_goes_out(users, monitoring_round):
    reminders_on(DUE - DAY)

    assert [key.rsplit(":", 1)[1] for key in keys(users["unit_a"])] == ["1"]


def test_one_message_per_person_lists_every_entry_they_owe(users, units):
    second = AgreementFactory(
        number="009/PKS/2024", units=[units["ja1"]], responsible_user=users["unit_a"]
    )
    first = AgreementFactory(
        number="008/PKS/2024", units=[units["ja"]], responsible_user=users["unit_a"]
    )
    monitoring_round = services.round_open(
        by=users["office"], period_kind="odd", year=2025, due_date=DUE
    )
    assert {entry.agreement for entry in monitoring_round.entries.all()} == {
        first,
        second,
    }

    summary = reminders_on(DUE - DAY * 7)

    notification = Notification.objects.get(recipient=users["unit_a"])
    assert summary["notifications"] == 1
    assert "008/PKS/2024" in notification.body
    assert "009/PKS/2024" in notification.body


def test_submitted_entries_and_closed_rounds_are_not_reminded(
    users, monitoring_round, agreement_a
):
    services.entry_update(
        entry=entry_of(monitoring_round, agreement_a),
        by=users["unit_a"],
        implementation_status="done",
        submit=True,
    )
    reminders_on(DUE - DAY * 7)
    assert keys(users["unit_a"]) == []

    services.entry_update(
        entry=entry_of(monitoring_round, agreement_a),
        by=users["unit_a"],
        implementation_status="done",
    )
    services.round_close(monitoring_round=monitoring_round, by=users["office"])
    reminders_on(DUE + DAY)
    assert keys(users["unit_a"]) == []


def test_moving_the_due_date_starts_the_reminders_again(users, monitoring_round):
    reminders_on(DUE + DAY)
    assert len(keys(users["unit_a"])) == 1

    later = DUE + DAY * 14
    services.round_update(
        monitoring_round=monitoring_round,
        by=users["office"],
        title=monitoring_round.title,
        due_date=later,
    )
    reminders_on(later - DAY * 7)

    assert keys(users["unit_a"])[-1].endswith(f"{later.isoformat()}:7")


@override_settings(MITRA_MONITORING_REMINDER_DAYS=[])
def test_without_lead_days_only_the_overdue_reminder_goes(users, monitoring_round):
    reminders_on(DUE - DAY)
    reminders_on(DUE + DAY)

    assert [key.rsplit(":", 1)[1] for key in keys(users["unit_a"])] == ["overdue"]


# --- The office's overview ----------------------------------------------------


def overview_keys():
    return sorted(
        Notification.objects.filter(
            dedupe_key__startswith="monitoring.overview"
        ).values_list("recipient__username", "dedupe_key")
    )


def test_nothing_overdue_sends_nothing(users, monitoring_round):
    summary = office_overview(DUE)

    assert summary["skipped"] is True
    assert overview_keys() == []


def test_the_office_gets_one_overview_a_day(users, monitoring_round):
    UserFactory(username="former", role=Role.OFFICE, is_active=False)

    first = office_overview(DUE + DAY)
    again = office_overview(DUE + DAY)
    office_overview(DUE + DAY * 2)

    assert first["notifications"] == 3
    assert again["notifications"] == 0
    day1, day2 = (DUE + DAY).isoformat(), (DUE + DAY * 2).isoformat()
    assert overview_keys() == sorted(
        [(name, f"monitoring.overview:{day1}") for name in OFFICE]
        + [(name, f"monitoring.overview:{day2}") for name in OFFICE]
    )
    body = Notification.objects.filter(recipient=users["head"]).first().body
    assert monitoring_round.title in body
    assert "JA 1" in body and "JB1 1" in body


def test_the_overview_lists_agreements_expired_without_renewal(db):
    today = datetime.date(2026, 6, 1)
    lapsed = AgreementFactory(number="L-1", end_date=today - DAY * 10)
    pending = AgreementFactory(
        number="L-2", end_date=today - DAY * 5, status=Status.IN_RENEWAL
    )
    renewed = AgreementFactory(number="R-1", end_date=today - DAY * 3)
    AgreementFactory(number="R-2", renews=renewed, start_date=today - DAY * 3)
    AgreementFactory(number="OLD", end_date=today - DAY * 400)
    AgreementFactory(number="DUE-TODAY", end_date=today)
    negotiating = AgreementFactory(number="N-1", end_date=today - DAY)
    AgreementFactory(number=None, renews=negotiating, status=Status.NEGOTIATION)

    sections = {section.name: section for section in overdue_overview(today)}
    items = sections["agreements.expired_without_renewal"].items

    assert [item.url for item in items] == [
        lapsed.get_absolute_url(),
        pending.get_absolute_url(),
        negotiating.get_absolute_url(),
    ]
    assert "L-1" in items[0].title


@pytest.fixture
def extra_source():
    names = []

    def add(name, function, **kwargs):
        overview.register(name, label=name, **kwargs)(function)
        names.append(name)

    yield add
    for name in names:
        overview.unregister(name)


def test_other_apps_add_their_items(db, extra_source):
    day = datetime.date(2026, 3, 1)
    extra_source(
        "tests.action_items",
        lambda as_of: [
            {"title": "Kirim notulen", "due_date": as_of - DAY, "url": "/x/"},
            OverdueItem(title="Rapat tindak lanjut", due=as_of - DAY * 3),
        ],
    )

    section = next(
        each for each in overdue_overview(day) if each.name == "tests.action_items"
    )

    assert [item.title for item in section.items] == [
        "Rapat tindak lanjut",
        "Kirim notulen",
    ]
    assert section.items[1].url == "/x/"


def test_an_apps_overdue_items_function_is_found_by_name(db, monkeypatch):
    def overdue_items(as_of):
        return ["Survei belum ditutup"]

    monkeypatch.setattr(selectors, "overdue_items", overdue_items, raising=False)
    try:
        sections = overdue_overview(datetime.date(2026, 3, 1))
    finally:
        overview.unregister("monitoring.selectors.overdue_items")

    found = {section.name: section for section in sections}
    section = found["monitoring.selectors.overdue_items"]
    assert [item.title for item in section.items] == ["Survei belum ditutup"]
    assert section.label == str(apps.get_app_config("monitoring").verbose_name)


def test_a_failing_source_is_logged_and_the_rest_still_listed(
    users, monitoring_round, extra_source, caplog
):
    def broken(as_of):
        raise RuntimeError("table missing")

    extra_source("tests.broken", broken, order=1)

    with caplog.at_level(logging.ERROR, logger="mitra.monitoring.overview"):
        summary = office_overview(DUE + DAY)

    assert "tests.broken" in caplog.text
    assert summary["notifications"] == 3


def test_the_office_reads_the_overview_page(users, client_for, monitoring_round):
    from mitra.core.clock import frozen

    with frozen(DUE + DAY):
        response = client_for(users["office"]).get(reverse("monitoring:overdue"))
        unit = client_for(users["unit_a"]).get(reverse("monitoring:overdue"))

    names = [section.name for section in response.context["sections"]]
    assert names == ["monitoring.entries_overdue"]
    assert unit.status_code == 403


def test_the_jobs_run_in_the_daily_job_and_emails_go_out(users, monitoring_round):
    runs = run_daily(DUE + DAY)

    assert all(run.ok for run in runs)
    names = [run.job for run in runs]
    assert names.index("monitoring.entry_reminders") < names.index("core.outbox")
    assert names.index("monitoring.office_overview") < names.index("core.outbox")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    # unit_b owes the entry of prodi B1, which has no staff of its own
    expected = [*OFFICE, "unit_a", "unit_b"]
    assert recipients == sorted(f"{name}@example.test" for name in expected)
    assert JobRun.objects.filter(ok=False).count() == 0


def test_a_jurusan_is_reminded_of_its_prodis_entries_once(
    users, monitoring_round, agreement_b
):
    """Prodi B1 has no staff: jurusan B's, who fill its entries, hear of them."""
    unit_b = users["unit_b"]

    first = reminders_on(DUE - DAY * 7)
    again = reminders_on(DUE - DAY * 7)
    runs = run_daily(DUE - DAY * 6)

    notification = Notification.objects.get(recipient=unit_b)
    assert "002/PKS/2024" in notification.body
    assert "001/PKS/2024" not in notification.body
    assert first["people"] == 2 and first["notifications"] == 2
    assert again["notifications"] == 0
    assert all(run.ok for run in runs)
    assert [message.to for message in mail.outbox].count([unit_b.email]) == 1
