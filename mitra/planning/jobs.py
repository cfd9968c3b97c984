"""The planning app's part of the daily job: reminders of action items.

An open action item with a due date reminds its owner at each lead time
before the due date (`MITRA_ACTION_REMINDER_DAYS`, by default 3 days before
and on the day itself); after a gap only the nearest reminder goes out. The
day after the due date, an item still open is overdue (reckoned in
Asia/Jakarta): its owner and the meeting's minute taker are told once.
"""

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mitra.core.daily import dedupe_key, is_overdue, latest_due_lead, register
from mitra.core.notifications import language_of, notify
from mitra.planning.models import ActionItem, ActionStatus


@register("planning.action_item_reminders", order=30)
def action_item_reminders(as_of):
    """Remind owners of action items coming due, and of overdue ones."""
    leads = settings.MITRA_ACTION_REMINDER_DAYS
    longest = max(leads, default=0)
    items = (
        ActionItem.objects.filter(
            status=ActionStatus.OPEN,
            due_date__isnull=False,
            due_date__lte=as_of + datetime.timedelta(days=longest),
            owner__is_active=True,
        )
        .select_related("owner", "meeting__minute_taker")
        .order_by("due_date", "pk")
    )
    due = overdue = notifications = 0
    for item in items:
        if is_overdue(item.due_date, as_of):
            overdue += 1
            key = dedupe_key("planning.action_overdue", item.pk)
            recipients = [item.owner]
            taker = item.meeting.minute_taker
            if taker is not None and taker.is_active and taker.pk != item.owner_id:
                recipients.append(taker)
            for user in recipients:
                notifications += _remind(user, item, as_of, key)
            continue
        lead = latest_due_lead(item.due_date, as_of, leads)
        if lead is None:
            continue
        due += 1
        key = dedupe_key("planning.action_due", item.pk, lead)
        notifications += _remind(item.owner, item, as_of, key)
    return {"due": due, "overdue": overdue, "notifications": notifications}


def _remind(user, item, as_of, key):
    with translation.override(language_of(user)):
        title, body = _message(item, as_of)
    created = notify(
        user=user,
        title=title,
        body=body,
        subject=item,
        dedupe_key=key,
        immediate=False,
    )
    return int(created is not None)


def _message(item, as_of):
    """Return the reminder's title and body in the active language."""
    days = (item.due_date - as_of).days
    values = {
        "action": item.description.splitlines()[0][:120],
        "days": abs(days),
        "date": date_format(item.due_date, "DATE_FORMAT"),
        "meeting": item.meeting.title,
        "owner": str(item.owner),
    }
    if days < 0:
        title = _("Overdue action: %(action)s") % values
    elif days == 0:
        title = _("Action due today: %(action)s") % values
    else:
        title = (
            ngettext(
                "Action due in %(days)s day: %(action)s",
                "Action due in %(days)s days: %(action)s",
                days,
            )
            % values
        )
    lines = [
        _("Agreed in the meeting: %(meeting)s") % values,
        _("Owner: %(owner)s") % values,
        _("Due on: %(date)s") % values,
        "",
        _("Mark it done in Mitra once it is done."),
    ]
    return title, "\n".join(lines)
