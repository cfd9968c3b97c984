"""The daily job: the registry, `run_daily`, its command, and the first jobs."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test.utils import override_settings

from mitra.agreements.jobs import expiry_reminders
from mitra.agreements.models import Status
from mitra.core import clock, daily
from mitra.core.models import JobRun, Notification, OutboxEmail
from tests.factories import AgreementFactory, UserFactory

END = datetime.date(2027, 6, 30)


def days_before(days, end=END):
    return end - datetime.timedelta(days=days)


@pytest.fixture
def registry(monkeypatch):
    """An empty job registry for the test, leaving the real one alone."""
    monkeypatch.setattr(daily, "_registry", {})
    monkeypatch.setattr(daily, "_discovered", True)
    return daily._registry


# --- The registry and run_daily --------------------------------------------------


def test_the_first_jobs_are_registered_with_the_outbox_last(db):
    names = [job.name for job in daily.registered_jobs()]

    assert "agreements.expiry_reminders" in names
    assert names[-1] == "core.outbox"


def test_jobs_run_in_order_and_each_run_is_recorded(db, registry):
    seen = []

    @daily.register("b.second", order=20)
    def second(as_of):
        seen.append("second")
        return {"done": 2, "on": as_of}

    @daily.register("a.first", order=10)
    def first(as_of):
        seen.append("first")

    runs = daily.run_daily(datetime.date(2026, 5, 1))

    assert seen == ["first", "second"]
    assert [run.job for run in runs] == ["a.first", "b.second"]
    run = JobRun.objects.get(job="b.second")
    assert run.ok is True
    assert run.as_of == datetime.date(2026, 5, 1)
    assert run.summary == {"done": 2, "on": "2026-05-01"}
    assert run.finished_at is not None


def test_a_failing_job_does_not_stop_the_others(db, registry):
    @daily.register("a.broken", order=1)
    def broken(as_of):
        raise RuntimeError("the partner table is on fire")

    @daily.register("b.fine", order=2)
    def fine(as_of):
        return {"ok": True}

    runs = daily.run_daily(datetime.date(2026, 5, 1))

    assert [(run.job, run.ok) for run in runs] == [
        ("a.broken", False),
        ("b.fine", True),
    ]
    assert "RuntimeError: the partner table is on fire" in runs[0].error


def test_a_failing_job_leaves_nothing_half_done(users, registry):
    @daily.register("a.half")
    def half(as_of):
        Notification.objects.create(recipient=users["office"], title="separuh")
        raise RuntimeError("stopped half way")

    daily.run_daily(datetime.date(2026, 5, 1))

    assert not Notification.objects.exists()
    assert JobRun.objects.get(job="a.half").ok is False


def test_two_jobs_cannot_share_a_name(registry):
    @daily.register("same.name")
    def one(as_of):
        return {}

    with pytest.raises(ImproperlyConfigured):

        @daily.register("same.name")
        def other(as_of):
            return {}


def test_the_date_defaults_to_today_in_jakarta(db, registry):
    seen = []
    daily.register("a.date")(seen.append)

    # 23:30 in Jakarta is still 16:30 UTC of the same day ...
    with clock.frozen(datetime.datetime(2026, 5, 1, 16, 30, tzinfo=datetime.UTC)):
        daily.run_daily()
    # ... and 00:30 in Jakarta is 17:30 UTC of the day before.
    with clock.frozen(datetime.datetime(2026, 5, 1, 17, 30, tzinfo=datetime.UTC)):
        daily.run_daily()

    assert seen == [datetime.date(2026, 5, 1), datetime.date(2026, 5, 2)]


def test_only_named_jobs_run_when_asked(db, registry):
    seen = []
    daily.register("a.one")(lambda as_of: seen.append("one"))
    daily.register("a.two")(lambda as_of: seen.append("two"))

    daily.run_daily(datetime.date(2026, 5, 1), only=["a.two"])

    assert seen == ["two"]
    with pytest.raises(ValueError, match=r"a\.three"):
        daily.run_daily(datetime.date(2026, 5, 1), only=["a.three"])


# --- The command -----------------------------------------------------------------


def test_the_command_takes_the_date_and_prints_each_job(db, registry):
    seen = []

    @daily.register("a.job")
    def job(as_of):
        seen.append(as_of)
        return {"reminded": 1}

    out = StringIO()
    call_command("run_daily", "--date", "2026-02-28", stdout=out)

    assert seen == [datetime.date(2026, 2, 28)]
    assert '2026-02-28 a.job: ok {"reminded": 1}' in out.getvalue()


def test_the_command_fails_when_a_job_failed(db, registry):
    daily.register("a.fine")(lambda as_of: {})

    @daily.register("a.broken")
    def broken(as_of):
        raise RuntimeError("boom")

    err = StringIO()
    with pytest.raises(CommandError, match=r"a\.broken"):
        call_command("run_daily", "--date", "2026-02-28", stderr=err, stdout=StringIO())
    assert "a.broken: FAILED RuntimeError: boom" in err.getvalue()
    assert JobRun.objects.filter(ok=True).count() == 1


@pytest.mark.parametrize("bad", ["2026-02-30", "tomorrow", "28/02/2026"])
def test_the_command_refuses_a_bad_date(db, bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_daily", "--date", bad)
    assert not JobRun.objects.exists()


def test_the_command_refuses_an_unknown_job(db):
    with pytest.raises(CommandError, match=r"no\.such"):
        call_command("run_daily", "--job", "no.such")


def test_the_command_lists_the_jobs(db):
    out = StringIO()
    call_command("run_daily", "--list", stdout=out)

    assert "agreements.expiry_reminders" in out.getvalue()
    assert not JobRun.objects.exists()


# --- Helpers for jobs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (181, None),
        (180, 180),
        (120, 180),
        (90, 90),
        (60, 90),  # caught up after a gap: the 90-day reminder, not also 180
        (30, 30),
        (1, 30),
        (0, 30),
        (-1, None),  # already ended
    ],
)
def test_the_due_lead_is_the_one_nearest_the_end(days_left, expected):
    as_of = days_before(days_left)

    assert daily.latest_due_lead(END, as_of, [180, 90, 30]) == expected


def test_an_open_ended_deadline_has_no_lead():
    assert daily.latest_due_lead(None, END, [30]) is None


def test_dedupe_keys_are_joined_and_kept_short_and_distinct():
    assert daily.dedupe_key("agreements.expiry", 7, 90) == "agreements.expiry:7:90"
    long_a = daily.dedupe_key("x" * 300, "a")
    long_b = daily.dedupe_key("x" * 300, "b")
    assert len(long_a) == 200
    assert long_a != long_b


def test_due_today_is_not_yet_overdue():
    today = datetime.date(2026, 5, 1)

    assert daily.is_overdue(today, today) is False
    assert daily.is_overdue(today - datetime.timedelta(days=1), today) is True
    assert daily.is_overdue(None, today) is False


# --- The expiry reminders ------------------------------------------------------------


def recipients_of(agreement):
    return set(
        Notification.objects.filter(subject_id=agreement.pk).values_list(
            "recipient__username", flat=True
        )
    )


OFFICE = {"office", "head", "admin"}


def test_it_reminds_the_responsible_person_and_the_office(users):
    agreement = AgreementFactory(end_date=END, responsible_user=users["unit_a"])

    summary = expiry_reminders(days_before(90))

    assert summary == {"due": 1, "notifications": 4}
    assert recipients_of(agreement) == {"unit_a", *OFFICE}
    keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert keys == {f"agreements.expiry:{agreement.pk}:90"}
    assert OutboxEmail.objects.count() == 4
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"pending"}


def test_without_a_responsible_person_the_units_staff_are_reminded(users, units):
    agreement = AgreementFactory(end_date=END, units=[units["jb"]])
    UserFactory(username="gone", units=[units["jb"]], is_active=False)

    expiry_reminders(days_before(30))

    assert recipients_of(agreement) == {"unit_b", *OFFICE}


def test_an_inactive_responsible_person_is_replaced_by_the_units_staff(users, units):
    users["unit_a"].is_active = False
    users["unit_a"].save()
    agreement = AgreementFactory(
        end_date=END, responsible_user=users["unit_a"], units=[units["jb"]]
    )

    expiry_reminders(days_before(30))

    assert recipients_of(agreement) == {"unit_b", *OFFICE}


def test_someone_both_responsible_and_in_the_office_gets_one_reminder(users):
    AgreementFactory(end_date=END, responsible_user=users["office"])

    summary = expiry_reminders(days_before(90))

    assert summary["notifications"] == 3
    assert Notification.objects.filter(recipient=users["office"]).count() == 1


def test_a_second_run_reminds_nobody_again(users):
    AgreementFactory(end_date=END, responsible_user=users["unit_a"])
    expiry_reminders(days_before(90))

    again = expiry_reminders(days_before(90))
    next_day = expiry_reminders(days_before(89))

    assert again == {"due": 1, "notifications": 0}
    assert next_day == {"due": 1, "notifications": 0}
    assert Notification.objects.count() == 4


def test_each_lead_time_reminds_once(users):
    agreement = AgreementFactory(end_date=END, responsible_user=users["unit_a"])

    for days in (200, 180, 150, 90, 45, 30, 10, 0, -1):
        expiry_reminders(days_before(days))

    keys = Notification.objects.filter(recipient=users["unit_a"]).values_list(
        "dedupe_key", flat=True
    )
    assert sorted(keys) == sorted(
        f"agreements.expiry:{agreement.pk}:{lead}" for lead in (180, 90, 30)
    )


def test_after_a_gap_only_the_nearest_reminder_goes_out(users):
    agreement = AgreementFactory(end_date=END, responsible_user=users["unit_a"])

    expiry_reminders(days_before(60))

    keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert keys == {f"agreements.expiry:{agreement.pk}:90"}


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT},
        {"status": Status.NEGOTIATION},
        {"status": Status.TERMINATED},
        {"start_date": days_before(10)},  # not started yet on the day
        {"end_date": None},  # open-ended
    ],
)
def test_agreements_not_in_force_get_no_reminder(users, fields):
    AgreementFactory(**{"end_date": END, **fields})

    assert expiry_reminders(days_before(30)) == {"due": 0, "notifications": 0}


def test_an_agreement_in_renewal_is_reminded(users):
    AgreementFactory(end_date=END, status=Status.IN_RENEWAL)

    assert expiry_reminders(days_before(30))["due"] == 1


def test_an_agreement_renewed_by_a_signed_agreement_is_not_reminded(users):
    old = AgreementFactory(end_date=END)
    AgreementFactory(renews=old, status=Status.SIGNED, end_date=None)

    assert expiry_reminders(days_before(30))["due"] == 0


def test_a_renewal_still_in_draft_does_not_silence_the_reminder(users):
    old = AgreementFactory(end_date=END)
    AgreementFactory(renews=old, status=Status.DRAFT, number=None)

    assert expiry_reminders(days_before(30))["due"] == 1


@override_settings(MITRA_EXPIRY_REMINDER_DAYS=[60, 14])
def test_the_lead_times_come_from_the_settings(users):
    AgreementFactory(end_date=END)

    assert expiry_reminders(days_before(90))["due"] == 0
    assert expiry_reminders(days_before(60))["due"] == 1
    assert set(Notification.objects.values_list("dedupe_key", flat=True)) == {
        f"agreements.expiry:{Notification.objects.first().subject_id}:60"
    }


@override_settings(MITRA_EXPIRY_REMINDER_DAYS=[])
def test_no_lead_times_means_no_reminders(users):
    AgreementFactory(end_date=END)

    assert expiry_reminders(days_before(30)) == {"due": 0, "notifications": 0}


@pytest.mark.indonesian
def test_the_reminder_names_the_agreement_and_its_end_in_indonesian(users):
    agreement = AgreementFactory(
        end_date=END, number="012/PL/HK/2024", responsible_user=users["unit_a"]
    )

    expiry_reminders(days_before(90))

    notification = Notification.objects.get(recipient=users["unit_a"])
    assert "012/PL/HK/2024" in notification.title
    assert agreement.partner.name in notification.title
    assert "90" in notification.title
    assert "30 Juni 2027" in notification.body
    assert agreement.title in notification.body
    assert notification.url == agreement.get_absolute_url()
