"""The surveys app's part of the daily job: invitations and reminders.

* `surveys.invitations` — in every open round whose opening day has come,
  email each contact not yet invited (a round opened ahead of its opening
  day, or contacts added later, or a day the server was down).
* `surveys.reminders` — before a round's closing day, at each lead time of
  `MITRA_SURVEY_REMINDER_DAYS` (by default 7 and 2 days), email each
  contact who has not answered a reminder with a fresh link. Each lead is
  sent once per contact; after a gap only the nearest lead goes out, and a
  contact invited after a lead's day does not get that lead's reminder.

Emails wait in the outbox for its step of the same run (`immediate=False`).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from mitra.core.daily import latest_due_lead, register
from mitra.surveys import services
from mitra.surveys.models import Invitation, Round, RoundStatus


def _open_rounds(as_of):
    return Round.objects.filter(
        status=RoundStatus.OPEN, opens_on__lte=as_of, closes_on__gte=as_of
    ).order_by("closes_on", "pk")


@register("surveys.invitations", order=40)
def invitations(as_of):
    """Send the invitations of open rounds not sent yet."""
    rounds = sent = 0
    for round in _open_rounds(as_of):
        rounds += 1
        sent += services.invitations_send(round=round, on=as_of, immediate=False)
    return {"rounds": rounds, "sent": sent}


@register("surveys.reminders", order=41)
def reminders(as_of):
    """Remind the contacts who have not answered, once per lead time."""
    leads = settings.MITRA_SURVEY_REMINDER_DAYS
    if not leads:
        return {"due": 0, "sent": 0}

    due = sent = 0
    for round in _open_rounds(as_of):
        lead = latest_due_lead(round.closes_on, as_of, leads)
        if lead is None:
            continue
        reminder_day = round.closes_on - datetime.timedelta(days=lead)
        waiting = (
            Invitation.objects.filter(
                round=round,
                responded=False,
                revoked_at__isnull=True,
                sent_at__isnull=False,
            )
            .select_related("round")
            .order_by("pk")
        )
        for invitation in waiting:
            if timezone.localdate(invitation.sent_at) >= reminder_day:
                continue
            due += 1
            email = services.reminder_send(invitation=invitation, lead=lead)
            sent += email is not None
    return {"due": due, "sent": sent}
