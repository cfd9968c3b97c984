"""The monitoring app's part of the daily job.

* `monitoring.entry_reminders` — the people an entry is assigned to hear of
  the entries they have not submitted, at each lead time before the round's
  due date (`MITRA_MONITORING_REMINDER_DAYS`, by default 7 and 1 days), and
  once more the day after it has passed. One message per person, round and
  step, listing their entries; moving the due date starts the steps again.
* `monitoring.office_overview` — one message a day to each office staff
  member and the head listing everything overdue across Mitra (see
  `mitra.monitoring.overview`); nothing is sent on a day nothing is.

Emails are queued for the outbox step of the same run, which retries any
that fail on the following runs.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mitra.core.daily import dedupe_key, is_overdue, latest_due_lead, register
from mitra.core.models import Role, User
from mitra.core.notifications import absolute_url, language_of, notify
from mitra.monitoring.models import MonitoringEntry, MonitoringRound, RoundStatus
from mitra.monitoring.overview import overdue_overview

OFFICE_ROLES = (Role.OFFICE, Role.HEAD)
OVERDUE = "overdue"


def reminder_step(due_date, as_of, leads):
    """Return the reminder due on `as_of`: a lead (days), OVERDUE, or None."""
    if is_overdue(due_date, as_of):
        return OVERDUE
    return latest_due_lead(due_date, as_of, leads) if leads else None


@register("monitoring.entry_reminders", order=20)
def entry_reminders(as_of):
    """Remind assignees of the entries they owe in open rounds."""
    leads = settings.MITRA_MONITORING_REMINDER_DAYS
    active = User.objects.filter(is_active=True)
    rounds = reminded = notifications = 0
    for monitoring_round in MonitoringRound.objects.filter(
        status=RoundStatus.OPEN
    ).order_by("due_date", "pk"):
        step = reminder_step(monitoring_round.due_date, as_of, leads)
        if step is None:
            continue
        rounds += 1
        owed = defaultdict(list)
        people = {}
        entries = (
            MonitoringEntry.objects.filter(
                round=monitoring_round, submitted_at__isnull=True
            )
            .select_related("agreement__partner")
            .prefetch_related(Prefetch("assignees", queryset=active))
            .order_by("agreement__number", "pk")
        )
        for entry in entries:
            for user in entry.assignees.all():
                owed[user.pk].append(entry)
                people[user.pk] = user
        key = dedupe_key(
            "monitoring.entries",
            monitoring_round.pk,
            monitoring_round.due_date.isoformat(),
            step,
        )
        for pk, user in people.items():
            with translation.override(language_of(user)):
                title, body = _reminder(monitoring_round, owed[pk], step, as_of)
            created = notify(
                user=user,
                title=title,
                body=body,
                url=reverse("monitoring:index"),
                dedupe_key=key,
                immediate=False,
            )
            reminded += 1
            notifications += created is not None
    return {"rounds": rounds, "people": reminded, "notifications": notifications}


def _reminder(monitoring_round, entries, step, as_of):
    """Return the title and body of a reminder in the active language."""
    values = {
        "round": monitoring_round.title,
        "count": len(entries),
        "date": date_format(monitoring_round.due_date, "DATE_FORMAT"),
    }
    if step == OVERDUE:
        title = (
            ngettext(
                "Overdue: %(count)s monitoring entry of %(round)s",
                "Overdue: %(count)s monitoring entries of %(round)s",
                len(entries),
            )
            % values
        )
        opening = _("These entries were due on %(date)s and are not submitted:")
    else:
        values["days"] = (monitoring_round.due_date - as_of).days
        if values["days"] == 0:
            title = _("Monitoring entries of %(round)s are due today") % values
        else:
            title = (
                ngettext(
                    "Monitoring entries of %(round)s are due in %(days)s day",
                    "Monitoring entries of %(round)s are due in %(days)s days",
                    values["days"],
                )
                % values
            )
        opening = _("Please fill in and submit these entries by %(date)s:")
    lines = [opening % values, ""]
    for entry in entries:
        agreement = entry.agreement
        lines.append(
            "- {} {} — {}: {}".format(
                agreement.get_document_type_display(),
                agreement.number or _("(no number)"),
                agreement.partner.name,
                absolute_url(entry.get_absolute_url()),
            )
        )
    if monitoring_round.notes:
        lines += ["", monitoring_round.notes]
    return title, "\n".join(lines)


@register("monitoring.office_overview", order=900)
def office_overview(as_of):
    """Send the office one overview a day of everything overdue."""
    office = User.objects.filter(is_active=True, role__in=OFFICE_ROLES).order_by("pk")
    by_language = defaultdict(list)
    for user in office:
        by_language[language_of(user)].append(user)

    key = dedupe_key("monitoring.overview", as_of.isoformat())
    items = notifications = 0
    for language, people in by_language.items():
        with translation.override(language):
            sections = overdue_overview(as_of)
            if not sections:
                continue
            items = sum(len(section.items) for section in sections)
            title, body = _overview(sections, as_of)
        for user in people:
            created = notify(
                user=user,
                title=title,
                body=body,
                url=reverse("monitoring:overdue"),
                dedupe_key=key,
                immediate=False,
            )
            notifications += created is not None
    return {"items": items, "notifications": notifications, "skipped": not items}


def _overview(sections, as_of):
    count = sum(len(section.items) for section in sections)
    values = {"count": count, "date": date_format(as_of, "DATE_FORMAT")}
    title = (
        ngettext(
            "Overdue on %(date)s: %(count)s item",
            "Overdue on %(date)s: %(count)s items",
            count,
        )
        % values
    )
    lines = [_("Everything overdue in Mitra on %(date)s.") % values]
    for section in sections:
        lines += ["", f"{section.label} ({len(section.items)})"]
        for item in section.items:
            line = f"- {item.title}"
            if item.due:
                line += " — " + _("due %(date)s") % {
                    "date": date_format(item.due, "DATE_FORMAT")
                }
            if item.detail:
                line += f" ({item.detail})"
            lines.append(line)
            if item.url:
                lines.append(f"  {absolute_url(item.url)}")
    return title, "\n".join(lines)
