"""The agreements app's part of the daily job: expiry and review reminders.

An agreement in force gets a reminder at each lead time before its end
(`MITRA_EXPIRY_REMINDER_DAYS`, by default 180, 90 and 30 days), sent to its
responsible person (or, when none is named, the staff of its units) and to
the cooperation office (office staff and the head). An agreement already
renewed by a signed agreement gets none. After a gap only the reminder
nearest the end goes out, and each reminder goes to each person once.

A reviewer whose step of an internal review has waited
`MITRA_REVIEW_REMINDER_DAYS` days (3 by default) is reminded, and again
every as many days while it waits; after a gap, one reminder only.
"""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mitra.agreements.models import (
    SIGNED_STATUSES,
    Agreement,
    Decision,
    ReviewAssignment,
    ReviewOutcome,
    Status,
)
from mitra.core.daily import dedupe_key, latest_due_lead, register
from mitra.core.models import Role, User
from mitra.core.notifications import language_of, notify

OFFICE_ROLES = (Role.OFFICE, Role.HEAD)


@register("agreements.expiry_reminders", order=10)
def expiry_reminders(as_of):
    """Remind of agreements reaching a lead time before their end."""
    leads = settings.MITRA_EXPIRY_REMINDER_DAYS
    if not leads:
        return {"due": 0, "notifications": 0}

    office = list(User.objects.filter(is_active=True, role__in=OFFICE_ROLES))
    due = notifications = 0
    for agreement in _candidates(as_of, max(leads)):
        lead = latest_due_lead(agreement.end_date, as_of, leads)
        if lead is None:
            continue
        due += 1
        key = dedupe_key("agreements.expiry", agreement.pk, lead)
        for user in _recipients(agreement, office):
            with translation.override(language_of(user)):
                title, body = _message(agreement, as_of)
            created = notify(
                user=user,
                title=title,
                body=body,
                subject=agreement,
                dedupe_key=key,
                immediate=False,
            )
            notifications += created is not None
    return {"due": due, "notifications": notifications}


def _candidates(as_of, longest_lead):
    """In-force agreements ending within the longest lead, not yet renewed."""
    signed_renewal = Agreement.objects.filter(
        renews=OuterRef("pk"), status__in=SIGNED_STATUSES
    )
    active = User.objects.filter(is_active=True)
    return (
        Agreement.objects.in_force(as_of)
        .filter(end_date__lte=as_of + datetime.timedelta(days=longest_lead))
        .exclude(Exists(signed_renewal))
        .select_related("partner", "responsible_user")
        .prefetch_related("units", Prefetch("units__members", queryset=active))
        .order_by("end_date", "pk")
    )


def _recipients(agreement, office):
    """The responsible person (else the units' staff) and the office, once each."""
    responsible = agreement.responsible_user
    if responsible is not None and responsible.is_active:
        people = [responsible]
    else:
        people = [user for unit in agreement.units.all() for user in unit.members.all()]
    unique = {user.pk: user for user in [*people, *office]}
    return list(unique.values())


def _message(agreement, as_of):
    """Return the reminder's title and body in the active language."""
    days = (agreement.end_date - as_of).days
    document = "{} {}".format(
        agreement.get_document_type_display(),
        agreement.number or _("(no number)"),
    )
    values = {
        "document": document,
        "partner": agreement.partner.name,
        "days": days,
        "date": date_format(agreement.end_date, "DATE_FORMAT"),
        "title": agreement.title,
    }
    if days == 0:
        title = _("%(document)s with %(partner)s ends today") % values
    else:
        title = (
            ngettext(
                "%(document)s with %(partner)s ends in %(days)s day",
                "%(document)s with %(partner)s ends in %(days)s days",
                days,
            )
            % values
        )

    lines = [
        _("Agreement: %(title)s") % values,
        _("Partner: %(partner)s") % values,
        _("Ends on: %(date)s") % values,
        "",
    ]
    if agreement.status == Status.IN_RENEWAL:
        lines.append(_("A renewal is in progress; make sure it is signed in time."))
    else:
        lines.append(
            _(
                "If the cooperation is to continue, start the renewal now; "
                "otherwise nothing needs to be done."
            )
        )
    return title, "\n".join(lines)


@register("agreements.review_reminders", order=12)
def review_reminders(as_of):
    """Remind reviewers of the review steps waiting for them."""
    every = settings.MITRA_REVIEW_REMINDER_DAYS
    waiting = (
        ReviewAssignment.objects.filter(
            decision=Decision.PENDING,
            review__outcome=ReviewOutcome.OPEN,
            activated_at__isnull=False,
            reviewer__is_active=True,
        )
        .select_related("reviewer", "review__agreement__partner")
        .order_by("pk")
    )
    due = notifications = 0
    for assignment in waiting:
        days = (as_of - timezone.localdate(assignment.activated_at)).days
        if days < every:
            continue
        due += 1
        agreement, reviewer = assignment.review.agreement, assignment.reviewer
        key = dedupe_key("agreements.review_reminder", assignment.pk, days // every)
        with translation.override(language_of(reviewer)):
            values = {
                "document": " ".join(
                    (
                        str(agreement.get_document_type_display()),
                        agreement.number or agreement.title,
                    )
                ),
                "partner": agreement.partner.name,
                "days": days,
            }
            title = (
                _("Reminder: %(document)s with %(partner)s awaits your review") % values
            )
            body = (
                ngettext(
                    "Your step of the review has waited %(days)s day. Approve it, "
                    "request changes or reject it on the agreement's workflow page.",
                    "Your step of the review has waited %(days)s days. Approve it, "
                    "request changes or reject it on the agreement's workflow page.",
                    days,
                )
                % values
            )
        created = notify(
            user=reviewer,
            title=title,
            body=body,
            url=reverse("agreements:workflow", args=[agreement.pk]),
            subject=agreement,
            dedupe_key=key,
            immediate=False,
        )
        notifications += created is not None
    return {"due": due, "notifications": notifications}
