"""Email backends for tests: a mail server that is down, and one that bounces.

Select one with `override_settings(EMAIL_BACKEND=DOWN)` or `BOUNCING`.
"""

import smtplib
import time

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

DOWN = "tests.email_backends.ServerDownBackend"
BOUNCING = "tests.email_backends.BouncingBackend"
SLOW = "tests.email_backends.SlowBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
#: Addresses at this domain do not exist; the bouncing server refuses them.
BOUNCE_DOMAIN = "bounce.test"


class ServerDownBackend(BaseEmailBackend):
    """Refuses every connection, like an SMTP server that is not running."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


class BouncingBackend(LocmemBackend):
    """Refuses addresses at BOUNCE_DOMAIN for good; delivers the rest to locmem."""

    def send_messages(self, email_messages):
        refused = {
            address: (550, b"5.1.1 User unknown")
            for message in email_messages
            for address in message.recipients()
            if address.endswith("@" + BOUNCE_DOMAIN)
        }
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(email_messages)


class SlowBackend(LocmemBackend):
    """Delivers to locmem, taking a while, so concurrent senders overlap."""

    def send_messages(self, email_messages):
        time.sleep(0.05)
        return super().send_messages(email_messages)
