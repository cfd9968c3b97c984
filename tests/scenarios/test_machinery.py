"""Acceptance of the shared machinery (issue 3).

Each capability has its own section below; keep new tests in their own.
"""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test.utils import override_settings

from mitra.core import clock
from mitra.core.models import JobRun, Notification, OutboxEmail
from mitra.core.notifications import notify
from tests.email_backends import BOUNCE_DOMAIN, BOUNCING, DOWN, LOCMEM
from tests.factories import AgreementFactory

# =============================================================================
# Notifications and the daily job
# =============================================================================

JAKARTA = ZoneInfo("Asia/Jakarta")
END = datetime.date(2027, 6, 30)
#: The day the agreement ending on END is 90 days from its end.
DAY_90 = END - datetime.timedelta(days=90)
#: Who hears of an agreement: its responsible person and the office.
EXPECTED = {"unit_a", "office", "head", "admin"}


def at_jakarta(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), JAKARTA)


def run_daily(*args):
    out = StringIO()
    call_command("run_daily", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def expiring(users):
    """An agreement 90 days from its end on DAY_90, and one far from it."""
    AgreementFactory(end_date=END + datetime.timedelta(days=400))
    return AgreementFactory(
        end_date=END, number="007/PL/KS/2024", responsible_user=users["unit_a"]
    )


def reminded(agreement):
    return sorted(
        Notification.objects.filter(subject_id=agreement.pk).values_list(
            "recipient__username", flat=True
        )
    )


def test_the_90_day_reminder_reaches_the_responsible_person_and_the_office_once(
    expiring,
):
    # when the daily job runs on the day the agreement is 90 days from its end
    with clock.frozen(at_jakarta(DAY_90, 0, 15)):
        output = run_daily("--date", DAY_90.isoformat())

    # then its responsible person and the office each get one notification
    # and one email
    assert reminded(expiring) == sorted(EXPECTED)
    assert Notification.objects.count() == len(EXPECTED)
    assert sorted(address for message in mail.outbox for address in message.to) == (
        sorted(f"{name}@example.test" for name in EXPECTED)
    )
    assert all("007/PL/KS/2024" in message.subject for message in mail.outbox)
    assert "core.outbox: ok" in output

    # when it runs again, the same day and the next
    with clock.frozen(at_jakarta(DAY_90, 9)):
        run_daily("--date", DAY_90.isoformat())
    with clock.frozen(at_jakarta(DAY_90 + datetime.timedelta(days=1), 0, 15)):
        run_daily()

    # then nothing new is sent
    assert Notification.objects.count() == len(EXPECTED)
    assert OutboxEmail.objects.count() == len(EXPECTED)
    assert len(mail.outbox) == len(EXPECTED)
    assert JobRun.objects.filter(ok=False).count() == 0


def test_with_the_mail_server_down_the_emails_wait_and_go_out_once_it_is_back(
    expiring,
):
    # given the mail server is down on the day of the reminder
    with override_settings(EMAIL_BACKEND=DOWN), clock.frozen(at_jakarta(DAY_90, 0, 15)):
        run_daily("--date", DAY_90.isoformat())

    # then the reminders are in the centre and the emails stay in the outbox
    assert reminded(expiring) == sorted(EXPECTED)
    assert mail.outbox == []
    failed = OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED)
    assert failed.count() == len(EXPECTED)
    # the first was tried and refused; the rest were not tried in vain
    errors = sorted(email.last_error for email in failed)
    assert sum("Connection refused" in error for error in errors) == 1
    assert sum("could not be reached" in error for error in errors) == 3
    assert all(email.next_attempt_at for email in failed)

    # when the server is back and the next day's run comes
    next_day = at_jakarta(DAY_90 + datetime.timedelta(days=1), 0, 15)
    assert all(email.next_attempt_at <= next_day for email in failed)
    with override_settings(EMAIL_BACKEND=LOCMEM), clock.frozen(next_day):
        run_daily()
        # and once more, later
        run_daily("--job", "core.outbox")

    # then every email has gone out exactly once, and no reminder was repeated
    assert sorted(address for message in mail.outbox for address in message.to) == (
        sorted(f"{name}@example.test" for name in EXPECTED)
    )
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {
        OutboxEmail.Status.SENT
    }
    assert Notification.objects.count() == len(EXPECTED)


@pytest.mark.parametrize(
    ("moment", "expected_day", "reminded_yet"),
    [
        # 23:30 in Jakarta on the day before (16:30 UTC): not yet due
        (
            datetime.datetime(2027, 3, 31, 16, 30, tzinfo=datetime.UTC),
            DAY_90 - datetime.timedelta(days=1),
            False,
        ),
        # 00:30 in Jakarta on the day (17:30 UTC of the day before): due
        (
            datetime.datetime(2027, 3, 31, 17, 30, tzinfo=datetime.UTC),
            DAY_90,
            True,
        ),
        # 23:30 in Jakarta on the day (16:30 UTC of the same day): due
        (
            datetime.datetime(2027, 4, 1, 16, 30, tzinfo=datetime.UTC),
            DAY_90,
            True,
        ),
    ],
)
def test_due_dates_are_reckoned_in_jakarta(
    expiring, moment, expected_day, reminded_yet
):
    # given the 180-day reminder went out in its time
    run_daily("--date", (END - datetime.timedelta(days=180)).isoformat())
    before = set(Notification.objects.values_list("pk", flat=True))

    # when the daily job runs with the clock at the moment
    with clock.frozen(moment):
        run_daily()

    # then it runs as of the day in Jakarta, and the 90-day reminder goes out
    # from the first minute of its day, not before
    assert JobRun.objects.latest("pk").as_of == expected_day
    new = Notification.objects.exclude(pk__in=before)
    assert set(new.values_list("dedupe_key", flat=True)) == (
        {f"agreements.expiry:{expiring.pk}:90"} if reminded_yet else set()
    )


def test_a_bouncing_address_is_recorded_with_the_reason_and_nothing_else_is_lost(
    users, expiring, django_capture_on_commit_callbacks
):
    # given the responsible person's address does not exist
    users["unit_a"].email = f"unit_a@{BOUNCE_DOMAIN}"
    users["unit_a"].save()

    # when the daily job sends the reminders
    with override_settings(EMAIL_BACKEND=BOUNCING):
        output = run_daily("--date", DAY_90.isoformat())

        # and an event is emailed at once to the same address
        with django_capture_on_commit_callbacks(execute=True):
            event = notify(user=users["unit_a"], title="Usulan disetujui")

    # then the bounced emails are recorded as failed for good, with the reason
    bounced = OutboxEmail.objects.filter(recipient=f"unit_a@{BOUNCE_DOMAIN}")
    assert bounced.count() == 2
    for email in bounced:
        assert email.status == OutboxEmail.Status.GAVE_UP
        assert "550 5.1.1 User unknown" in email.last_error
    # the person still has both messages in Mitra, nothing half-saved
    assert event is not None
    assert Notification.objects.filter(recipient=users["unit_a"]).count() == 2
    # everyone else's email went out, and the run counts as a success
    assert sorted(address for message in mail.outbox for address in message.to) == (
        sorted(f"{name}@example.test" for name in EXPECTED - {"unit_a"})
    )
    assert "FAILED" not in output
    assert JobRun.objects.filter(ok=False).count() == 0
