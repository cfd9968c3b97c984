"""Notifications, the notification centre and the outbox."""

import datetime
import logging
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from mitra.core import clock
from mitra.core.models import Notification, OutboxEmail
from mitra.core.notifications import (
    RETRY_DELAYS,
    _claim,
    absolute_url,
    language_of,
    mark_all_read,
    notify,
    queue_email,
    retry_delay,
    send_pending,
    unread_count,
)
from tests.email_backends import BOUNCING, DOWN, LOCMEM, SLOW
from tests.factories import AgreementFactory, ContactFactory

Status = OutboxEmail.Status
JAKARTA = ZoneInfo("Asia/Jakarta")
NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=JAKARTA)


def make_notifications(user, count, **fields):
    return [
        Notification.objects.create(recipient=user, title=f"Pesan {index}", **fields)
        for index in range(count)
    ]


# --- notify -----------------------------------------------------------------


def test_it_puts_the_message_in_the_centre_and_emails_it_at_once(
    users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            user=users["unit_a"], title="Usulan disetujui", body="Selamat.", url="/x/"
        )

    assert notification.recipient == users["unit_a"]
    assert notification.read_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["unit_a@example.test"]
    assert message.subject == "Usulan disetujui"
    assert "Selamat." in message.body
    assert "http://127.0.0.1:8000/x/" in message.body
    assert OutboxEmail.objects.get().status == Status.SENT


def test_it_links_to_the_subject_when_no_url_is_given(users):
    agreement = AgreementFactory()

    notification = notify(user=users["office"], title="Lihat", subject=agreement)

    assert notification.url == agreement.get_absolute_url()
    assert notification.subject_id == agreement.pk
    assert notification.subject_type.model == "agreement"


def test_it_respects_a_user_who_wants_in_app_only(users):
    user = users["unit_a"]
    user.notify_by_email = False
    user.save()

    notification = notify(user=user, title="Hanya di aplikasi", send_email=True)

    assert notification is not None
    assert not OutboxEmail.objects.exists()


def test_it_sends_no_email_when_asked_not_to_or_without_an_address(users):
    users["unit_b"].email = ""
    users["unit_b"].save()

    notify(user=users["unit_a"], title="Tanpa email", send_email=False)
    notify(user=users["unit_b"], title="Tanpa alamat")

    assert Notification.objects.count() == 2
    assert not OutboxEmail.objects.exists()


def test_it_notifies_once_per_dedupe_key_and_user(users):
    first = notify(user=users["office"], title="A", dedupe_key="k:1", immediate=False)
    again = notify(user=users["office"], title="A", dedupe_key="k:1", immediate=False)
    other_user = notify(user=users["head"], title="A", dedupe_key="k:1")

    assert first is not None
    assert again is None
    assert other_user is not None
    assert Notification.objects.filter(recipient=users["office"]).count() == 1
    assert OutboxEmail.objects.count() == 2


@pytest.mark.indonesian
def test_it_writes_in_the_recipients_language_whatever_is_active(users):
    with translation.override("en"):
        notification = notify(user=users["office"], title=gettext_lazy("Yes"))

    assert notification.title == "Ya"


@pytest.mark.indonesian
def test_a_contact_is_written_to_in_the_contacts_language(db):
    assert language_of(ContactFactory(language="en")) == "en"
    assert language_of(ContactFactory(language="id")) == "id"
    assert language_of("someone@example.test") == "id"


def test_a_long_title_is_cut_to_fit(users):
    notification = notify(user=users["office"], title="x" * 500, immediate=False)

    assert len(notification.title) == 300
    assert len(OutboxEmail.objects.get().subject) == 300


@override_settings(MITRA_BASE_URL="https://mitra.example.ac.id/")
def test_links_in_emails_are_absolute():
    assert absolute_url("/agreements/3/") == "https://mitra.example.ac.id/agreements/3/"
    assert absolute_url("https://else.test/") == "https://else.test/"
    assert absolute_url("") == ""


def test_unread_count_and_mark_all_read_touch_only_the_users_own(users):
    make_notifications(users["office"], 3)
    make_notifications(users["head"], 2)

    assert unread_count(users["office"]) == 3
    assert mark_all_read(user=users["office"]) == 3
    assert unread_count(users["office"]) == 0
    assert unread_count(users["head"]) == 2


# --- queue_email and the outbox ----------------------------------------------


def test_queue_email_stores_each_dedupe_key_once(db):
    first = queue_email(
        to="a@partner.test", subject="S", body="B", dedupe_key="survey:1"
    )
    second = queue_email(
        to="a@partner.test", subject="S", body="B", dedupe_key="survey:1"
    )

    assert first is not None
    assert second is None
    assert OutboxEmail.objects.count() == 1


def test_an_impossible_address_is_kept_as_given_up_without_an_error(db):
    email = queue_email(to="not an address", subject="S", body="B")

    assert email.status == Status.GAVE_UP
    assert "Invalid" in email.last_error


def test_a_batched_email_waits_for_send_pending(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="a@partner.test", subject="S", body="B", immediate=False)
    assert mail.outbox == []

    counts = send_pending()

    assert counts == {"sent": 1, "failed": 0, "gave_up": 0, "deferred": 0}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_an_html_body_goes_as_an_alternative(db):
    queue_email(
        to="a@partner.test",
        subject="S",
        body="B",
        html_body="<p>B</p>",
        immediate=False,
    )

    send_pending()

    assert mail.outbox[0].alternatives[0][0] == "<p>B</p>"


def test_a_failed_immediate_send_stays_in_the_outbox_to_retry(
    db, django_capture_on_commit_callbacks
):
    # given the mail server is down
    # when an event email is sent
    with (
        override_settings(EMAIL_BACKEND=DOWN),
        clock.frozen(NOON),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = queue_email(to="a@partner.test", subject="S", body="B")

    # then it is kept as failed, with the error and the next try
    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at == NOON + datetime.timedelta(minutes=15)


def test_retries_wait_for_their_pause_and_then_send_once(db):
    with override_settings(EMAIL_BACKEND=DOWN):
        queue_email(to="a@partner.test", subject="S", body="B", immediate=False)
        send_pending(now=NOON)

    # before the pause is over nothing is tried
    assert send_pending(now=NOON + datetime.timedelta(minutes=14))["sent"] == 0
    # after it, the email goes out, once
    assert send_pending(now=NOON + datetime.timedelta(minutes=15))["sent"] == 1
    assert send_pending(now=NOON + datetime.timedelta(days=3))["sent"] == 0
    assert len(mail.outbox) == 1
    email = OutboxEmail.objects.get()
    assert email.status == Status.SENT
    assert email.attempts == 2
    assert email.last_error == ""


def test_the_pauses_grow_and_then_stay_at_a_day():
    pauses = [retry_delay(attempt) for attempt in range(1, 8)]

    assert pauses[:4] == list(RETRY_DELAYS)
    assert pauses[:4] == [
        datetime.timedelta(minutes=15),
        datetime.timedelta(hours=1),
        datetime.timedelta(hours=4),
        datetime.timedelta(hours=12),
    ]
    assert set(pauses[4:]) == {datetime.timedelta(days=1)}


@override_settings(EMAIL_BACKEND=DOWN, MITRA_EMAIL_RETRY_DAYS=2)
def test_it_gives_up_after_the_retry_days_and_keeps_the_email(db):
    email = queue_email(to="a@partner.test", subject="S", body="B", immediate=False)
    moment = email.created_at

    statuses = []
    for _attempt in range(8):
        send_pending(now=moment)
        email.refresh_from_db()
        statuses.append(email.status)
        if email.next_attempt_at is None:
            break
        moment = email.next_attempt_at

    assert statuses[-1] == Status.GAVE_UP
    assert set(statuses[:-1]) == {Status.FAILED}
    assert moment - email.created_at >= datetime.timedelta(days=2)
    assert email.last_error
    # given up means not tried again
    assert send_pending(now=moment + datetime.timedelta(days=30))["failed"] == 0


@override_settings(EMAIL_BACKEND=BOUNCING)
def test_a_refused_address_is_given_up_at_once_with_the_reason(db):
    queue_email(to="nobody@bounce.test", subject="S", body="B", immediate=False)

    counts = send_pending(now=NOON)

    assert counts["gave_up"] == 1
    email = OutboxEmail.objects.get()
    assert email.status == Status.GAVE_UP
    assert email.next_attempt_at is None
    assert "550 5.1.1 User unknown" in email.last_error


def test_with_the_server_down_the_rest_of_the_batch_waits(db):
    for index in range(3):
        queue_email(to=f"p{index}@partner.test", subject="S", body="B", immediate=False)

    with override_settings(EMAIL_BACKEND=DOWN):
        counts = send_pending(now=NOON)

    assert counts == {"sent": 0, "failed": 1, "gave_up": 0, "deferred": 2}
    emails = list(OutboxEmail.objects.order_by("pk"))
    assert [(email.status, email.attempts) for email in emails] == [
        (Status.FAILED, 1),
        (Status.FAILED, 0),
        (Status.FAILED, 0),
    ]
    assert "could not be reached" in emails[2].last_error
    assert {email.next_attempt_at for email in emails} == {
        NOON + datetime.timedelta(minutes=15)
    }


def test_a_claimed_email_is_not_sent_by_a_second_sender(db):
    email = queue_email(to="a@partner.test", subject="S", body="B", immediate=False)

    # given one sender has claimed the email and is sending it
    assert _claim(email.pk, NOON) is not None

    # when a second sender runs at the same moment, or claims it too
    assert _claim(email.pk, NOON) is None
    counts = send_pending(now=NOON)

    # then it leaves it alone
    assert counts["sent"] == 0
    assert mail.outbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=SLOW)
def test_two_senders_at_once_send_each_email_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises its writers")
    for index in range(6):
        queue_email(to=f"p{index}@partner.test", subject="S", body="B", immediate=False)
    start = threading.Barrier(2)
    errors = []

    def sender():
        try:
            start.wait(timeout=10)
            send_pending(now=NOON)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(address for message in mail.outbox for address in message.to) == [
        f"p{index}@partner.test" for index in range(6)
    ]
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_sent_email_is_never_sent_again(db):
    queue_email(to="a@partner.test", subject="S", body="B", immediate=False)
    send_pending(now=NOON)

    send_pending(now=NOON + datetime.timedelta(days=10))

    assert len(mail.outbox) == 1


def test_failures_are_logged_without_personal_data(db, caplog):
    queue_email(to="secret.person@bounce.test", subject="S", body="B", immediate=False)

    with override_settings(EMAIL_BACKEND=BOUNCING), caplog.at_level(logging.WARNING):
        send_pending(now=NOON)

    email = OutboxEmail.objects.get()
    warnings = [record.getMessage() for record in caplog.records]
    assert any(f"Outbox email {email.pk} not sent" in text for text in warnings)
    assert not any("secret.person" in text for text in warnings)


@override_settings(EMAIL_BACKEND=LOCMEM)
def test_the_email_of_a_notification_says_how_to_turn_email_off(users):
    notify(user=users["office"], title="Pemberitahuan", immediate=False)

    send_pending()

    body = mail.outbox[0].body
    assert reverse("notification_preferences") in body


# --- The notification centre -----------------------------------------------------


def test_the_centre_lists_only_the_users_own_notifications(users, client_for):
    make_notifications(users["office"], 2)
    Notification.objects.create(recipient=users["head"], title="Milik kepala")

    response = client_for(users["office"]).get(reverse("notifications"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Pesan 0" in html
    assert "Pesan 1" in html
    assert "Milik kepala" not in html


def test_even_an_administrator_sees_only_their_own(users, client_for):
    Notification.objects.create(recipient=users["office"], title="Milik staf")

    html = client_for(users["admin"]).get(reverse("notifications")).content.decode()

    assert "Milik staf" not in html


def test_the_unread_tab_shows_unread_only(users, client_for):
    read, unread = make_notifications(users["office"], 2)
    read.read_at = clock.now()
    read.save()

    response = client_for(users["office"]).get(
        reverse("notifications") + "?show=unread"
    )

    assert list(response.context["notifications"]) == [unread]


def test_the_centre_is_paginated(users, client_for, settings):
    settings.MITRA_PAGE_SIZE = 5
    make_notifications(users["office"], 12)
    client = client_for(users["office"])

    first = client.get(reverse("notifications"))
    last = client.get(reverse("notifications") + "?page=3")
    beyond = client.get(reverse("notifications") + "?page=abc")

    assert len(first.context["notifications"]) == 5
    assert len(last.context["notifications"]) == 2
    assert beyond.status_code == 200


def test_the_centre_runs_a_fixed_number_of_queries(users, client_for):
    client = client_for(users["office"])
    make_notifications(users["office"], 5)
    client.get(reverse("notifications"))

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications"))
    make_notifications(users["office"], 45)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notifications"))

    assert len(many) == len(few)


def test_marking_one_read(users, client_for):
    notification, other = make_notifications(users["office"], 2)

    response = client_for(users["office"]).post(
        reverse("notification_read", args=[notification.pk])
    )

    assert response.status_code == 302
    assert response.url == reverse("notifications")
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_opening_a_notification_marks_it_read_and_goes_to_its_subject(
    users, client_for
):
    agreement = AgreementFactory()
    notification = notify(user=users["office"], title="Lihat", subject=agreement)

    response = client_for(users["office"]).post(
        reverse("notification_read", args=[notification.pk]), {"open": "1"}
    )

    assert response.url == agreement.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_it_never_redirects_to_another_site(users, client_for):
    (notification,) = make_notifications(users["office"], 1, url="https://evil.test/")

    response = client_for(users["office"]).post(
        reverse("notification_read", args=[notification.pk]),
        {"open": "1", "next": "https://evil.test/"},
    )

    assert response.url == reverse("notifications")


def test_another_users_notification_answers_404(users, client_for):
    (notification,) = make_notifications(users["head"], 1)

    response = client_for(users["office"]).post(
        reverse("notification_read", args=[notification.pk])
    )

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_needs_a_post(users, client_for):
    (notification,) = make_notifications(users["office"], 1)

    response = client_for(users["office"]).get(
        reverse("notification_read", args=[notification.pk])
    )

    assert response.status_code == 405


def test_marking_all_read_leaves_other_users_alone(users, client_for):
    make_notifications(users["office"], 3)
    make_notifications(users["head"], 1)

    response = client_for(users["office"]).post(reverse("notifications_read_all"))

    assert response.url == reverse("notifications")
    assert unread_count(users["office"]) == 0
    assert unread_count(users["head"]) == 1


def test_the_menu_shows_the_unread_count(users, client_for):
    make_notifications(users["office"], 3)
    client = client_for(users["office"])

    html = client.get(reverse("agreements:list")).content.decode()
    assert 'id="nav-notifications"' in html
    assert ">3<span" in html

    client.post(reverse("notifications_read_all"))
    html = client.get(reverse("agreements:list")).content.decode()
    assert ">3<span" not in html


def test_the_centre_needs_a_login(db, client):
    response = client.get(reverse("notifications"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- The email preference --------------------------------------------------------


def test_a_user_turns_email_off_and_gets_in_app_only(users, client_for):
    client = client_for(users["unit_a"])

    response = client.post(reverse("notification_preferences"), {})

    assert response.status_code == 302
    users["unit_a"].refresh_from_db()
    assert users["unit_a"].notify_by_email is False
    notify(user=users["unit_a"], title="Setelah memilih")
    assert not OutboxEmail.objects.exists()


def test_a_user_turns_email_back_on(users, client_for):
    users["unit_a"].notify_by_email = False
    users["unit_a"].save()

    client_for(users["unit_a"]).post(
        reverse("notification_preferences"),
        {"notify_by_email": "on", "next": reverse("profile")},
    )

    users["unit_a"].refresh_from_db()
    assert users["unit_a"].notify_by_email is True


def test_the_preference_is_on_the_profile_page(users, client_for):
    html = client_for(users["unit_a"]).get(reverse("profile")).content.decode()

    assert 'id="notification-preferences"' in html
    assert 'name="notify_by_email"' in html


def test_the_preference_form_only_changes_the_preference(users, client_for):
    client_for(users["unit_a"]).post(
        reverse("notification_preferences"), {"role": "head", "is_superuser": "on"}
    )

    users["unit_a"].refresh_from_db()
    assert users["unit_a"].role == "unit"
    assert users["unit_a"].is_superuser is False
