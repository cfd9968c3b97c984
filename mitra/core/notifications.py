"""Notifications to users and the outbox every email goes through.

`notify` puts a message in a user's in-app notification centre and, when the
user has chosen to receive email too, queues an email. `queue_email` is for
addresses without an account (a partner contact, an external proposer).

No email is sent directly: each is first stored in the outbox
(`OutboxEmail`). An email for an event is tried right after the surrounding
transaction commits; emails queued by the daily job wait for its outbox
step. A failed send stays in the outbox with its error and is retried with
growing pauses (15 minutes, 1 hour, 4 hours, 12 hours, then daily) until it
goes out or, after `MITRA_EMAIL_RETRY_DAYS`, is given up; given-up emails
stay visible to the office in the admin. A dedupe key makes sure one message
is stored, and therefore sent, only once; a sender first claims a row with a
compare-and-set update, so two senders running at once never send the same
row twice.

Messages are written in the recipient's language: callers pass lazy
(`gettext_lazy`) strings, or build them inside
`translation.override(language_of(recipient))`.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator

from mitra.core import clock
from mitra.core.models import Notification, OutboxEmail

logger = logging.getLogger(__name__)

Status = OutboxEmail.Status

#: Pauses after the 1st, 2nd, 3rd and 4th failed attempt; then one a day.
RETRY_DELAYS = (
    datetime.timedelta(minutes=15),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=4),
    datetime.timedelta(hours=12),
)
DAILY_DELAY = datetime.timedelta(days=1)
#: Statuses a sender may pick up.
SENDABLE = (Status.PENDING, Status.FAILED)

_TITLE_LENGTH = Notification._meta.get_field("title").max_length
_SUBJECT_LENGTH = OutboxEmail._meta.get_field("subject").max_length
_ERROR_LENGTH = 2000


# --- Language and links -------------------------------------------------------


def language_of(recipient):
    """Return the language to write to `recipient` in.

    A partner contact has a language of their own; staff users and bare
    addresses get the institution's interface language.
    """
    language = getattr(recipient, "language", "") or ""
    if language in dict(settings.LANGUAGES):
        return language
    return settings.LANGUAGE_CODE


def absolute_url(path):
    """Return `path` as a full address on `MITRA_BASE_URL` (unchanged if full)."""
    if not path or "://" in path:
        return path
    return settings.MITRA_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def _one_line(text, length):
    return Truncator(" ".join(str(text).split())).chars(length)


# --- Notifying users --------------------------------------------------------


def notify(
    *,
    user,
    title,
    body="",
    url="",
    subject=None,
    dedupe_key="",
    send_email=None,
    immediate=True,
):
    """Put a message in `user`'s notification centre, and email it if wanted.

    The email is queued when the user receives notifications by email
    (`user.notify_by_email`) and has an address, unless `send_email` is
    False; the user's choice always wins. `subject` is the record the
    message is about; its page is the link when `url` is empty. With a
    `dedupe_key`, a second call for the same user and key does nothing and
    returns None. `immediate` sends the email right after the transaction
    commits; False leaves it for the daily job's outbox step.
    """
    if dedupe_key and _already_notified(user, dedupe_key):
        return None
    if not url and subject is not None and hasattr(subject, "get_absolute_url"):
        url = subject.get_absolute_url()

    with translation.override(language_of(user)):
        title = _one_line(title, _TITLE_LENGTH)
        body = str(body)
        email = None
        if send_email is not False and user.notify_by_email and user.email:
            email = _notification_email(title=title, body=body, url=url)

    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=user,
                title=title,
                body=body,
                url=url,
                subject_type=(
                    ContentType.objects.get_for_model(subject)
                    if subject is not None
                    else None
                ),
                subject_id=subject.pk if subject is not None else None,
                dedupe_key=dedupe_key,
            )
            if email is not None:
                queue_email(
                    to=user.email,
                    subject=title,
                    body=email,
                    dedupe_key=f"notification:{notification.pk}",
                    immediate=immediate,
                )
    except IntegrityError:
        # Another run created the same notification at the same moment.
        if dedupe_key and _already_notified(user, dedupe_key):
            return None
        raise
    return notification


def _already_notified(user, dedupe_key):
    return Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists()


def _notification_email(*, title, body, url):
    return render_to_string(
        "core/notifications_email.txt",
        {
            "title": title,
            "body": body,
            "link": absolute_url(url),
            "settings_link": absolute_url(reverse("notification_preferences")),
        },
    )


def unread_count(user):
    """Return how many of `user`'s notifications are unread (one query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, notification):
    """Mark one notification read (leaving an earlier reading time alone)."""
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user):
    """Mark every unread notification of `user` read; return how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=clock.now()
    )


# --- The outbox ---------------------------------------------------------------


def queue_email(*, to, subject, body, html_body="", dedupe_key=None, immediate=True):
    """Store an email in the outbox; return it, or None if the key was used.

    `immediate` tries to send it as soon as the current transaction commits
    (a failure leaves it in the outbox for the next retry); otherwise it
    waits for `send_pending`. An address that cannot be valid is stored as
    given up, with the reason, so the office sees it; nothing is raised.
    """
    if dedupe_key and OutboxEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    to = str(to).strip()
    email = OutboxEmail(
        recipient=to,
        subject=_one_line(subject, _SUBJECT_LENGTH),
        body=str(body),
        html_body=str(html_body),
        dedupe_key=dedupe_key or None,
    )
    try:
        validate_email(to)
    except ValidationError:
        email.status = Status.GAVE_UP
        email.last_error = "Invalid email address."
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:
        if dedupe_key and OutboxEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise

    if email.status == Status.GAVE_UP:
        logger.warning("Outbox email %s not queued: invalid address", email.pk)
    elif immediate:
        pk = email.pk
        transaction.on_commit(lambda: _send_one(pk, now=clock.now()), robust=True)
    return email


def send_pending(now=None):
    """Send every outbox email that is due; return counts by outcome.

    Due means waiting, or failed with its next attempt at or before `now`.
    When the mail server cannot be reached, the rest are not tried but
    marked failed to retry after the first pause (counted as `deferred`),
    rather than each waiting for the same connection error in turn.
    """
    now = now or clock.now()
    due = list(
        OutboxEmail.objects.filter(_due(now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counts = {"sent": 0, "failed": 0, "gave_up": 0, "deferred": 0}
    connection = get_connection()
    try:
        for index, pk in enumerate(due):
            outcome, server_down = _send_one(pk, now=now, connection=connection)
            if outcome is not None:
                counts[outcome] += 1
            if server_down:
                counts["deferred"] = _defer(due[index + 1 :], now)
                break
    finally:
        _close_quietly(connection)

    if any(counts[key] for key in ("failed", "gave_up", "deferred")):
        logger.warning(
            "Outbox: %(sent)s sent, %(failed)s failed, %(gave_up)s given up, "
            "%(deferred)s deferred",
            counts,
        )
    elif counts["sent"]:
        logger.info("Outbox: %s sent", counts["sent"])
    return counts


def _defer(pks, now):
    """Mark due emails not tried because the server is unreachable; count them.

    They keep their attempts (none was made) and wait for the first pause.
    """
    return OutboxEmail.objects.filter(_due(now), pk__in=pks).update(
        status=Status.FAILED,
        last_error="Not tried: the mail server could not be reached.",
        next_attempt_at=now + RETRY_DELAYS[0],
    )


def _due(now):
    return Q(status__in=SENDABLE) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _claim(pk, now):
    """Take one due email for sending; return it, or None if not ours.

    The update only succeeds if nobody else changed the row since we read
    it, so of two concurrent senders exactly one gets it. The claim pushes
    the next attempt forward, so an email whose sender died is retried.
    """
    email = OutboxEmail.objects.filter(_due(now), pk=pk).first()
    if email is None:
        return None
    taken = OutboxEmail.objects.filter(
        _due(now), pk=pk, attempts=email.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + RETRY_DELAYS[0])
    if not taken:
        return None
    email.attempts += 1
    return email


def _send_one(pk, *, now, connection=None):
    """Try to send one outbox email; return (new status, server was down)."""
    email = _claim(pk, now)
    if email is None:
        return None, False

    try:
        _deliver(email, connection or get_connection())
    except Exception as error:  # every failure is recorded, whatever it is
        return _record_failure(email, error, now), _server_down(error)

    email.status = Status.SENT
    email.sent_at = now
    email.next_attempt_at = None
    email.last_error = ""
    email.save(update_fields=["status", "sent_at", "next_attempt_at", "last_error"])
    return "sent", False


def _deliver(email, connection):
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={"Auto-Submitted": "auto-generated"},
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    message.send(fail_silently=False)


def _record_failure(email, error, now):
    permanent = _refused_for_good(error)
    tried_long_enough = email.attempts > len(RETRY_DELAYS) and (
        now - email.created_at
        >= datetime.timedelta(days=settings.MITRA_EMAIL_RETRY_DAYS)
    )
    if permanent or tried_long_enough:
        email.status = Status.GAVE_UP
        email.next_attempt_at = None
    else:
        email.status = Status.FAILED
        email.next_attempt_at = now + retry_delay(email.attempts)
    email.last_error = _describe(error)[:_ERROR_LENGTH]
    email.save(update_fields=["status", "next_attempt_at", "last_error"])
    # Only the outbox id: addresses and contents are personal data.
    logger.warning(
        "Outbox email %s not sent (attempt %s, %s): %s",
        email.pk,
        email.attempts,
        email.status,
        type(error).__name__,
    )
    return "gave_up" if email.status == Status.GAVE_UP else "failed"


def retry_delay(attempts):
    """Return the pause after the `attempts`-th failed attempt."""
    if 1 <= attempts <= len(RETRY_DELAYS):
        return RETRY_DELAYS[attempts - 1]
    return DAILY_DELAY


def _refused_for_good(error):
    """Whether the server refused every recipient with a permanent (5xx) code."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused) or not error.recipients:
        return False
    return all(code >= 500 for code, _reply in error.recipients.values())


def _server_down(error):
    """Whether the error is about reaching the server, not about this email."""
    if isinstance(
        error,
        (
            smtplib.SMTPConnectError,
            smtplib.SMTPServerDisconnected,
            smtplib.SMTPHeloError,
            smtplib.SMTPAuthenticationError,
        ),
    ):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _describe(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        replies = "; ".join(
            f"{code} {_text(reply)}" for code, reply in error.recipients.values()
        )
        return f"Recipient refused: {replies}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}".rstrip(": ")


def _text(reply):
    if isinstance(reply, bytes):
        return reply.decode("utf-8", "replace")
    return str(reply)


def _close_quietly(connection):
    try:
        connection.close()
    except Exception:  # closing a dead connection may fail too
        logger.debug("Closing the mail connection failed", exc_info=True)
