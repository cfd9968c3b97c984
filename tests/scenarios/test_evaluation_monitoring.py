"""Acceptance of issue 6, monitoring and reminders (slice M).

The daily job reminds the units of their monitoring entries and sends the
office its overview of everything overdue: once each, reckoned in
Asia/Jakarta, and never lost when the mail server is down. Nobody fills the
monitoring entry of another unit's agreement.
"""

import datetime
import logging
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse

from mitra.core import clock
from mitra.core.models import JobRun, Notification, OutboxEmail
from mitra.monitoring import services
from mitra.monitoring.models import PeriodKind
from tests.email_backends import DOWN, LOCMEM
from tests.factories import AgreementFactory, PartnerFactory

JAKARTA = ZoneInfo("Asia/Jakarta")
DUE = datetime.date(2026, 2, 20)
#: Who hears of the round: unit_a (assigned) and, once overdue, the office.
OFFICE = {"office", "head", "admin"}


def at_jakarta(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), JAKARTA)


def run_daily(*args):
    out = StringIO()
    call_command("run_daily", *args, stdout=out, stderr=out)
    return out.getvalue()


def monitoring_keys(username):
    return sorted(
        Notification.objects.filter(
            recipient__username=username, dedupe_key__startswith="monitoring."
        ).values_list("dedupe_key", flat=True)
    )


@pytest.fixture
def monitoring_round(users, units):
    """An open round with one entry of jurusan A (unit_a) and one of jurusan B."""
    AgreementFactory(
        number="001/PKS/2024",
        partner=PartnerFactory(name="PT Alfa"),
        units=[units["ja"]],
        responsible_user=users["unit_a"],
    )
    AgreementFactory(
        number="002/PKS/2024",
        partner=PartnerFactory(name="PT Beta"),
        units=[units["jb"]],
        responsible_user=users["unit_b"],
    )
    return services.round_open(
        by=users["office"],
        period_kind=PeriodKind.ODD_SEMESTER,
        year=2025,
        reference_date=datetime.date(2026, 1, 31),
        due_date=DUE,
    )


def test_running_the_daily_job_twice_a_day_sends_each_new_reminder_once(
    monitoring_round,
):
    # when the daily job runs twice on the day of the 7-day reminder
    week_before = DUE - datetime.timedelta(days=7)
    with clock.frozen(at_jakarta(week_before, 0, 15)):
        run_daily()
    with clock.frozen(at_jakarta(week_before, 13)):
        run_daily()

    # then each assignee got the reminder once, in Mitra and by email
    prefix = f"monitoring.entries:{monitoring_round.pk}:{DUE.isoformat()}"
    assert monitoring_keys("unit_a") == [f"{prefix}:7"]
    assert monitoring_keys("unit_b") == [f"{prefix}:7"]
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "unit_a@example.test",
        "unit_b@example.test",
    ]

    # when it runs twice on the day after the due date
    day_after = DUE + datetime.timedelta(days=1)
    with clock.frozen(at_jakarta(day_after, 0, 15)):
        run_daily()
    with clock.frozen(at_jakarta(day_after, 18)):
        run_daily()

    # then the overdue reminder and the office's overview came once each
    assert monitoring_keys("unit_a") == [f"{prefix}:7", f"{prefix}:overdue"]
    for name in OFFICE:
        assert monitoring_keys(name) == [f"monitoring.overview:{day_after.isoformat()}"]
    assert len(mail.outbox) == 2 + 2 + len(OFFICE)
    assert OutboxEmail.objects.count() == len(mail.outbox)
    assert JobRun.objects.filter(ok=False).count() == 0


@pytest.mark.parametrize(
    ("moment", "as_of", "overdue"),
    [
        # 23:30 in Jakarta on the due date (16:30 UTC): due today, not overdue
        (datetime.datetime(2026, 2, 20, 16, 30, tzinfo=datetime.UTC), DUE, False),
        # 00:30 in Jakarta the next day (17:30 UTC of the due date): overdue
        (
            datetime.datetime(2026, 2, 20, 17, 30, tzinfo=datetime.UTC),
            DUE + datetime.timedelta(days=1),
            True,
        ),
        # 00:30 in Jakarta on the due date (17:30 UTC the day before): due
        (datetime.datetime(2026, 2, 19, 17, 30, tzinfo=datetime.UTC), DUE, False),
        # 23:30 in Jakarta the day before (16:30 UTC): the 1-day reminder
        (
            datetime.datetime(2026, 2, 19, 16, 30, tzinfo=datetime.UTC),
            DUE - datetime.timedelta(days=1),
            False,
        ),
    ],
)
def test_due_and_overdue_are_reckoned_in_jakarta(
    users, client_for, monitoring_round, moment, as_of, overdue
):
    # when the daily job runs with the clock at the moment
    with clock.frozen(moment):
        run_daily()
        page = client_for(users["unit_a"]).get(reverse("monitoring:index"))

    # then it runs as of the day in Jakarta
    assert JobRun.objects.latest("pk").as_of == as_of
    prefix = f"monitoring.entries:{monitoring_round.pk}:{DUE.isoformat()}"
    expected = [f"{prefix}:overdue"] if overdue else [f"{prefix}:1"]
    assert monitoring_keys("unit_a") == expected
    # the office's overview lists the round only once it is overdue
    assert bool(monitoring_keys("office")) is overdue
    # and the unit's page marks the entry overdue only then
    assert [entry.overdue for entry in page.context["entries"]] == [overdue]


def test_with_the_mail_server_down_reminders_wait_and_go_out_the_next_run(
    monitoring_round, caplog
):
    # given the mail server is down on the day after the due date
    day_after = DUE + datetime.timedelta(days=1)
    with (
        override_settings(EMAIL_BACKEND=DOWN),
        clock.frozen(at_jakarta(day_after, 0, 15)),
        caplog.at_level(logging.WARNING),
    ):
        output = run_daily()

    # then the reminders are in Mitra, the emails wait, the failure is logged
    expected = {"unit_a", "unit_b", *OFFICE}
    assert mail.outbox == []
    waiting = OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED)
    assert waiting.count() == len(expected)
    assert "Connection refused" in " ".join(
        waiting.values_list("last_error", flat=True)
    )
    assert "not sent" in caplog.text
    assert "FAILED" not in output
    notified = set(
        Notification.objects.filter(dedupe_key__startswith="monitoring.").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == expected

    # when the server is back for the next day's run
    next_day = day_after + datetime.timedelta(days=1)
    with (
        override_settings(EMAIL_BACKEND=LOCMEM),
        clock.frozen(at_jakarta(next_day, 0, 15)),
    ):
        run_daily()
        run_daily("--job", "core.outbox")

    # then every waiting email went out once, and only the new day's overview
    # was added
    sent = [address for message in mail.outbox for address in message.to]
    assert sorted(set(sent)) == sorted(f"{name}@example.test" for name in expected)
    assert len(sent) == len(expected) + len(OFFICE)
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {
        OutboxEmail.Status.SENT
    }


def test_a_monitoring_entry_of_another_units_agreement_is_refused(
    users, client_for, monitoring_round
):
    entry_b = monitoring_round.entries.get(agreement__number="002/PKS/2024")
    client = client_for(users["unit_a"])
    data = {
        "implementation_status": "done",
        "benefits": "Bukan milik kami",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "submit": "1",
    }

    # reading, filling, posting and attaching all answer "not found"
    assert client.get(entry_b.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("monitoring:entry_edit", args=[entry_b.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("monitoring:entry_edit", args=[entry_b.pk]), data
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("monitoring:evidence_add", args=[entry_b.pk])).status_code
        == 404
    )
    # and the entry is as it was
    entry_b.refresh_from_db()
    assert not entry_b.is_submitted
    assert entry_b.benefits == ""
    # its own unit fills it
    response = client_for(users["unit_b"]).post(
        reverse("monitoring:entry_edit", args=[entry_b.pk]), data
    )
    assert response.status_code == 302
